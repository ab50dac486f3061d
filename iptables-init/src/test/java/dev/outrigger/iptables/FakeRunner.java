package dev.outrigger.iptables;

import dev.outrigger.iptables.exec.CommandResult;
import dev.outrigger.iptables.exec.CommandRunner;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;

/** A runner that answers by program name and records every call, for tests without root. */
public final class FakeRunner implements CommandRunner {
  public record Call(List<String> command, String stdin) {
    public String program() {
      return Path.of(command.get(0)).getFileName().toString();
    }
  }

  private final Map<String, BiFunction<List<String>, String, CommandResult>> answers = new HashMap<>();
  private final List<Call> calls = new ArrayList<>();

  public FakeRunner answer(String program, String stdout) {
    return answer(program, (args, stdin) -> new CommandResult(0, stdout, ""));
  }

  public FakeRunner answer(String program, BiFunction<List<String>, String, CommandResult> answer) {
    answers.put(program, answer);
    return this;
  }

  @Override
  public CommandResult run(List<String> command, String stdin) {
    Call call = new Call(List.copyOf(command), stdin);
    calls.add(call);
    return answers.getOrDefault(call.program(), (args, in) -> new CommandResult(0, "", "")).apply(command, stdin);
  }

  public List<Call> calls() {
    return calls;
  }

  public List<Call> callsTo(String program) {
    return calls.stream().filter(call -> call.program().equals(program)).toList();
  }
}
