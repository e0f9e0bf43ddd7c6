package org.sigmavrate.ingest;

import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;

/**
 * Decodes loosely typed JSON values: numbers may come as strings ("1500"), missing values as null, absent or NaN.
 * Anything else of the wrong type is a {@link BadRecordException}.
 */
final class JsonValues {
    /** Python's json module writes NaN for missing floats; accept it rather than reject whole files. */
    static final ObjectMapper MAPPER = JsonMapper.builder()
            .enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
            .build();

    private JsonValues() {
    }

    static boolean isMissing(JsonNode node) {
        return node == null || node.isNull() || node.isMissingNode();
    }

    static double number(JsonNode node, String field) throws BadRecordException {
        if (isMissing(node)) {
            return Double.NaN;
        }
        if (node.isNumber()) {
            return node.doubleValue();
        }
        if (node.isTextual()) {
            return TextValues.number(node.textValue(), field);
        }
        throw wrongType(field, "a number", node);
    }

    /** Text, trimmed; numbers are taken as their text. Null when missing or blank. */
    static String text(JsonNode node, String field) throws BadRecordException {
        if (isMissing(node)) {
            return null;
        }
        if (node.isTextual() || node.isNumber()) {
            return TextValues.trimmed(node.asText());
        }
        throw wrongType(field, "text", node);
    }

    static String aircraftId(JsonNode node, String field) throws BadRecordException {
        return TextValues.aircraftId(text(node, field), field);
    }

    static Boolean flag(JsonNode node, String field) throws BadRecordException {
        if (isMissing(node)) {
            return null;
        }
        if (node.isBoolean()) {
            return node.booleanValue();
        }
        if (node.isTextual() || node.isIntegralNumber()) {
            return TextValues.flag(node.asText(), field);
        }
        throw wrongType(field, "true/false", node);
    }

    /** Epoch milliseconds given as a number or numeric string, or an ISO-8601 string. Required. */
    static long epochMillisFromMillis(JsonNode node, String field) throws BadRecordException {
        if (node != null && node.isTextual() && TextValues.looksLikeIso(node.textValue().trim())) {
            return TextValues.isoToMillis(node.textValue(), field);
        }
        double millis = requiredTime(node, field);
        return Math.round(millis);
    }

    /** Epoch seconds (possibly fractional) given as a number or numeric string, or an ISO-8601 string. Required. */
    static long epochMillisFromSeconds(JsonNode node, String field) throws BadRecordException {
        if (node != null && node.isTextual() && TextValues.looksLikeIso(node.textValue().trim())) {
            return TextValues.isoToMillis(node.textValue(), field);
        }
        return TextValues.secondsToMillis(requiredTime(node, field), field);
    }

    private static double requiredTime(JsonNode node, String field) throws BadRecordException {
        double value;
        try {
            value = number(node, field);
        } catch (BadRecordException e) {
            throw new BadRecordException(ReadProblem.BAD_TIMESTAMP, e.detail());
        }
        if (Double.isNaN(value)) {
            throw new BadRecordException(ReadProblem.MISSING_FIELD, field + " is missing");
        }
        if (Double.isInfinite(value)) {
            throw new BadRecordException(ReadProblem.BAD_TIMESTAMP, field + " is not finite");
        }
        return value;
    }

    static BadRecordException wrongType(String field, String expected, JsonNode found) {
        return new BadRecordException(ReadProblem.WRONG_TYPE,
                field + " should be " + expected + " but is " + describe(found));
    }

    static String describe(JsonNode node) {
        String type = node.getNodeType().toString().toLowerCase(java.util.Locale.ROOT);
        return node.isContainerNode() ? "an " + type : type + " " + TextValues.abbreviate(node.toString());
    }
}
