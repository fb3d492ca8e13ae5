package org.glm4j.model.json;

/** Malformed or unexpected JSON; the message names the source and where. */
public final class JsonException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    public JsonException(String message) { super(message); }
}
