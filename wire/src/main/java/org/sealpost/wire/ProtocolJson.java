package org.sealpost.wire;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.core.util.Separators;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.sealpost.identity.MalformedException;

/**
 * Reading and writing the flat JSON objects of PROTOCOL.md: every field a string, all required,
 * unknown fields ignored (so later versions may add some). Errors name the field at fault.
 */
final class ProtocolJson {
  static final ObjectMapper MAPPER = new ObjectMapper();

  /** Two-space indent and {@code "key": value}, the layout PROTOCOL.md shows. */
  private static final DefaultPrettyPrinter PRETTY =
      new DefaultPrettyPrinter(
              Separators.createDefaultInstance()
                  .withObjectFieldValueSpacing(Separators.Spacing.AFTER))
          .withObjectIndenter(new DefaultIndenter("  ", "\n"));

  private ProtocolJson() {}

  static ObjectNode readObject(String what, String json) throws MalformedException {
    requireNonNull(json, "json");
    JsonNode node;
    try {
      node = MAPPER.readTree(json);
    } catch (JsonProcessingException e) {
      throw new MalformedException(what + ": not valid JSON (" + e.getOriginalMessage() + ")", e);
    }
    if (node == null || !node.isObject()) {
      throw new MalformedException(what + ": expected a JSON object");
    }
    return (ObjectNode) node;
  }

  static String text(String what, ObjectNode object, String field) throws MalformedException {
    JsonNode value = object.get(field);
    if (value == null || value.isNull()) {
      throw new MalformedException(what + ": field \"" + field + "\" is missing");
    }
    if (!value.isTextual()) {
      throw new MalformedException(what + ": field \"" + field + "\" must be a string");
    }
    return value.textValue();
  }

  /** Prefixes a field-level error with the object it came from. */
  static MalformedException in(String what, MalformedException e) {
    return new MalformedException(what + ": " + e.getMessage(), e);
  }

  static String pretty(ObjectNode node) {
    try {
      return MAPPER.writer(PRETTY).writeValueAsString(node);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  static String compact(ObjectNode node) {
    return node.toString();
  }
}
