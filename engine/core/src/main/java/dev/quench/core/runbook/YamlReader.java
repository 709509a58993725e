package dev.quench.core.runbook;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.error.MarkedYAMLException;

/**
 * Reads one YAML document into {@link YamlNode}s that keep their positions. Runbooks are small,
 * hand-written files, so the limits are tight: {@link #MAX_FILE_CHARS} characters, nesting
 * {@link #MAX_DEPTH} deep, no aliases (no "billion laughs"), no duplicate keys, one document.
 * Thread-safe.
 */
public final class YamlReader {

    static final int MAX_FILE_CHARS = 1 << 20;
    static final int MAX_DEPTH = 32;

    private final YAMLFactory factory;

    public YamlReader() {
        LoaderOptions options = new LoaderOptions();
        options.setCodePointLimit(MAX_FILE_CHARS);
        options.setNestingDepthLimit(MAX_DEPTH);
        options.setMaxAliasesForCollections(0);
        this.factory = YAMLFactory.builder()
                .loaderOptions(options)
                .streamReadConstraints(StreamReadConstraints.builder()
                        .maxDocumentLength(MAX_FILE_CHARS)
                        .maxNestingDepth(MAX_DEPTH)
                        .maxStringLength(MAX_FILE_CHARS)
                        .build())
                .build();
    }

    /**
     * Parses {@code content}, which was read from {@code file}.
     *
     * @throws YamlSyntaxException with the position of the first syntax problem
     */
    public YamlNode read(Path file, String content) throws YamlSyntaxException {
        if (content.length() > MAX_FILE_CHARS) {
            throw new YamlSyntaxException(new SourcePosition(file, 1, 1), "file is larger than "
                    + MAX_FILE_CHARS / 1024 + " KiB: split it into several runbooks", null);
        }
        try (JsonParser parser = factory.createParser(content)) {
            Reading reading = new Reading(file, content, (YAMLParser) parser);
            JsonToken first = parser.nextToken();
            if (first == null) {
                throw new YamlSyntaxException(new SourcePosition(file, 1, 1), "the file is empty: a runbook needs at "
                        + "least name: and steps:", null);
            }
            YamlNode root;
            try {
                root = reading.node(first, 0);
            } catch (StreamConstraintsException e) {
                // Jackson's limit errors carry no position; the parser knows where it stopped.
                JsonLocation stop = parser.currentLocation();
                throw new YamlSyntaxException(new SourcePosition(file, Math.max(1, stop.getLineNr()),
                        Math.max(1, stop.getColumnNr())), "the document is nested more than " + MAX_DEPTH
                        + " levels deep here: a runbook never needs that many; flatten it", e);
            }
            if (parser.nextToken() != null) {
                throw new YamlSyntaxException(reading.tokenPosition(), "a second YAML document (---) in the file: "
                        + "write one runbook per file", null);
            }
            return root;
        } catch (JsonProcessingException e) {
            throw syntaxError(file, e);
        } catch (IOException e) {
            throw new YamlSyntaxException(new SourcePosition(file, 1, 1), "cannot read the file: " + e.getMessage(), e);
        }
    }

    private static YamlSyntaxException syntaxError(Path file, JsonProcessingException e) {
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            if (cause instanceof MarkedYAMLException marked && marked.getProblemMark() != null) {
                // "while scanning for the next token" says nothing the problem does not.
                String context = marked.getContext() == null || marked.getContext().contains("scanning for the next token")
                        ? "" : " (" + marked.getContext() + ")";
                return new YamlSyntaxException(new SourcePosition(file, marked.getProblemMark().getLine() + 1,
                        marked.getProblemMark().getColumn() + 1), "YAML syntax error: " + marked.getProblem() + context, e);
            }
        }
        JsonLocation location = e.getLocation();
        SourcePosition position = location == null ? new SourcePosition(file, 1, 1)
                : new SourcePosition(file, Math.max(1, location.getLineNr()), Math.max(1, location.getColumnNr()));
        return new YamlSyntaxException(position, "YAML syntax error: " + e.getOriginalMessage(), e);
    }

    /** The state of reading one file. */
    private record Reading(Path file, String content, YAMLParser parser) {

        SourcePosition tokenPosition() {
            JsonLocation location = parser.currentTokenLocation();
            return new SourcePosition(file, Math.max(1, location.getLineNr()), Math.max(1, location.getColumnNr()));
        }

        YamlNode node(JsonToken token, int depth) throws IOException, YamlSyntaxException {
            SourcePosition position = tokenPosition();
            if (depth > MAX_DEPTH) {
                throw new YamlSyntaxException(position, "nested more than " + MAX_DEPTH + " levels deep", null);
            }
            if (parser.isCurrentAlias()) {
                throw new YamlSyntaxException(position, "YAML aliases (*" + parser.getText() + ") are not supported in "
                        + "runbooks: write the value out", null);
            }
            return switch (token) {
                case START_OBJECT -> mapping(position, depth);
                case START_ARRAY -> sequence(position, depth);
                case VALUE_STRING -> string(position);
                case VALUE_NUMBER_INT -> new YamlNode.Scalar(position, parser.getNumberValue(), shift(position, parser.getText()));
                case VALUE_NUMBER_FLOAT -> new YamlNode.Scalar(position, parser.getNumberValue(), shift(position, parser.getText()));
                case VALUE_TRUE -> new YamlNode.Scalar(position, Boolean.TRUE, -1);
                case VALUE_FALSE -> new YamlNode.Scalar(position, Boolean.FALSE, -1);
                case VALUE_NULL -> new YamlNode.Scalar(position, null, -1);
                default -> throw new YamlSyntaxException(position, "unexpected YAML content: " + token, null);
            };
        }

        private YamlNode mapping(SourcePosition position, int depth) throws IOException, YamlSyntaxException {
            Map<String, YamlNode.Entry> entries = new LinkedHashMap<>();
            JsonToken token;
            while ((token = parser.nextToken()) == JsonToken.FIELD_NAME) {
                String key = parser.currentName();
                SourcePosition keyPosition = tokenPosition();
                YamlNode.Entry earlier = entries.get(key);
                if (earlier != null) {
                    throw new YamlSyntaxException(keyPosition, "duplicate key '" + key + "' (first at line "
                            + earlier.keyPosition().line() + "): remove one", null);
                }
                YamlNode value = node(parser.nextToken(), depth + 1);
                entries.put(key, new YamlNode.Entry(key, keyPosition, value));
            }
            if (token != JsonToken.END_OBJECT) {
                throw new YamlSyntaxException(tokenPosition(), "unexpected YAML content in a mapping: " + token, null);
            }
            return new YamlNode.Mapping(position, entries);
        }

        private YamlNode sequence(SourcePosition position, int depth) throws IOException, YamlSyntaxException {
            List<YamlNode> items = new ArrayList<>();
            JsonToken token;
            while ((token = parser.nextToken()) != JsonToken.END_ARRAY) {
                if (token == null) {
                    throw new YamlSyntaxException(tokenPosition(), "unexpected end of a list", null);
                }
                items.add(node(token, depth + 1));
            }
            return new YamlNode.Sequence(position, items);
        }

        private YamlNode string(SourcePosition position) throws IOException {
            String text = parser.getText();
            int offset = (int) parser.currentTokenLocation().getCharOffset();
            boolean quoted = offset >= 0 && offset < content.length()
                    && (content.charAt(offset) == '"' || content.charAt(offset) == '\'');
            // "key:" with nothing after it is null in YAML; the parser reports it as empty text.
            if (text.isEmpty() && !quoted) {
                return new YamlNode.Scalar(position, null, -1);
            }
            return new YamlNode.Scalar(position, text, shift(position, text));
        }

        /** 0 or 1 when the value is written as is right at its position (plain or quoted), else -1. */
        private int shift(SourcePosition position, String text) {
            int offset = (int) parser.currentTokenLocation().getCharOffset();
            if (offset < 0 || text.indexOf('\n') >= 0) {
                return -1;
            }
            if (content.startsWith(text, offset)) {
                return 0;
            }
            char first = offset < content.length() ? content.charAt(offset) : 0;
            if ((first == '"' || first == '\'') && content.startsWith(text, offset + 1)) {
                return 1;
            }
            return -1;
        }
    }

}
