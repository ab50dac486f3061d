package dev.outrigger.agent.inject;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.Tag;
import org.yaml.snakeyaml.representer.Represent;
import org.yaml.snakeyaml.representer.Representer;
import org.yaml.snakeyaml.resolver.Resolver;

/**
 * Manifest text in and out. Documents are split on "---" lines as kubectl splits them, so a
 * document injection leaves alone is copied byte for byte, comments included; the ones it
 * changes are written in kubectl's block style.
 */
final class ManifestYaml {
  /** kubectl's document separator: "---" at the start of a line, then only blanks or a comment. */
  private static final Pattern SEPARATOR = Pattern.compile("^---[ \\t]*(#.*)?$", Pattern.MULTILINE);

  private ManifestYaml() {}

  /** The documents of a stream, each with its own text; blank ones are dropped. */
  static List<String> split(String stream) {
    List<String> documents = new ArrayList<>();
    for (String document : SEPARATOR.split(stream, -1)) {
      if (!document.isBlank()) {
        documents.add(document.strip() + "\n");
      }
    }
    return documents;
  }

  static Object load(String document) {
    return new Yaml(new SafeConstructor(new LoaderOptions()), representer(), dumperOptions(), new NoTimestamps())
        .load(document);
  }

  static String dump(Object tree) {
    return new Yaml(representer(), dumperOptions()).dump(tree);
  }

  private static DumperOptions dumperOptions() {
    DumperOptions options = new DumperOptions();
    options.setDefaultFlowStyle(DumperOptions.FlowStyle.BLOCK);
    options.setIndent(2);
    options.setWidth(Integer.MAX_VALUE);
    options.setSplitLines(false);
    // kubectl's output has no anchors: an object met twice is written twice.
    options.setDereferenceAliases(true);
    return options;
  }

  private static Representer representer() {
    return new LiteralMultilineRepresenter(dumperOptions());
  }

  /** Multi-line strings (scripts in args) as literal blocks, the way people write them. */
  private static final class LiteralMultilineRepresenter extends Representer {
    LiteralMultilineRepresenter(DumperOptions options) {
      super(options);
      Represent plain = this.representers.get(String.class);
      this.representers.put(String.class, data -> {
        String text = (String) data;
        return text.indexOf('\n') >= 0 ? literal(text) : plain.representData(data);
      });
    }

    private Node literal(String text) {
      return representScalar(Tag.STR, text, DumperOptions.ScalarStyle.LITERAL);
    }
  }

  /** YAML 1.1 types without timestamps: a date in a manifest stays the text it was. */
  private static final class NoTimestamps extends Resolver {
    @Override
    protected void addImplicitResolvers() {
      addImplicitResolver(Tag.BOOL, BOOL, "yYnNtTfFoO");
      addImplicitResolver(Tag.INT, INT, "-+0123456789");
      addImplicitResolver(Tag.FLOAT, FLOAT, "-+0123456789.");
      addImplicitResolver(Tag.MERGE, MERGE, "<");
      addImplicitResolver(Tag.NULL, NULL, "~nN\0");
      addImplicitResolver(Tag.NULL, EMPTY, null);
    }
  }
}
