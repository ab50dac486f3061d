package dev.outrigger.iptables;

import java.util.Locale;
import java.util.Set;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** Booleans as istio-iptables' environment accepts them (Go's strconv.ParseBool: 1, t, TRUE, ...). */
public final class LenientBoolean implements ITypeConverter<Boolean> {
  private static final Set<String> TRUE = Set.of("1", "t", "true", "yes", "on");
  private static final Set<String> FALSE = Set.of("0", "f", "false", "no", "off", "");

  @Override
  public Boolean convert(String value) {
    String lower = value.trim().toLowerCase(Locale.ROOT);
    if (TRUE.contains(lower)) {
      return true;
    }
    if (FALSE.contains(lower)) {
      return false;
    }
    throw new TypeConversionException("'" + value + "' is not a boolean (expected: true or false)");
  }
}
