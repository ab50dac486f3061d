package dev.outrigger.it.demo;

import java.util.ArrayList;
import java.util.List;

/** A plain-text table with columns padded to their widest cell. */
public final class TextTable {
  private final List<List<String>> rows = new ArrayList<>();

  public TextTable(String... header) {
    rows.add(List.of(header));
  }

  public TextTable row(String... cells) {
    if (cells.length != rows.get(0).size()) {
      throw new IllegalArgumentException("row with " + cells.length + " cells, header has " + rows.get(0).size());
    }
    rows.add(List.of(cells));
    return this;
  }

  public String render() {
    int columns = rows.get(0).size();
    int[] widths = new int[columns];
    for (List<String> row : rows) {
      for (int c = 0; c < columns; c++) {
        widths[c] = Math.max(widths[c], row.get(c).length());
      }
    }
    StringBuilder out = new StringBuilder();
    for (int r = 0; r < rows.size(); r++) {
      appendRow(out, rows.get(r), widths);
      if (r == 0) {
        List<String> rule = new ArrayList<>();
        for (int width : widths) {
          rule.add("-".repeat(width));
        }
        appendRow(out, rule, widths);
      }
    }
    return out.toString();
  }

  private static void appendRow(StringBuilder out, List<String> cells, int[] widths) {
    StringBuilder line = new StringBuilder("  ");
    for (int c = 0; c < cells.size(); c++) {
      line.append(String.format("%-" + widths[c] + "s", cells.get(c)));
      if (c < cells.size() - 1) {
        line.append(" | ");
      }
    }
    out.append(line.toString().stripTrailing()).append('\n');
  }
}
