package dev.quench.core.util;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.io.IOException;
import java.time.Duration;

/**
 * The engine's shared Jackson mappers. ObjectMappers are thread-safe once configured, so one of
 * each is enough.
 */
public final class Json {

    /** Nested JSON deeper than this is refused: real alert payloads are 4 levels deep. */
    private static final int MAX_NESTING_DEPTH = 64;

    private static final ObjectMapper JSON = configure(JsonMapper.builder()
            .disable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
            .build());

    private static final ObjectMapper YAML = configure(YAMLMapper.builder(YAMLFactory.builder()
                    .streamReadConstraints(StreamReadConstraints.builder()
                            .maxNestingDepth(MAX_NESTING_DEPTH)
                            .build())
                    .build())
            .build());

    private Json() {
    }

    /** The JSON mapper: unknown properties fail, durations read as {@code 30s}. */
    public static ObjectMapper json() {
        return JSON;
    }

    /** The YAML mapper, configured like {@link #json()}. */
    public static ObjectMapper yaml() {
        return YAML;
    }

    private static ObjectMapper configure(ObjectMapper mapper) {
        mapper.getFactory().setStreamReadConstraints(StreamReadConstraints.builder()
                .maxNestingDepth(MAX_NESTING_DEPTH)
                .build());
        mapper.registerModule(new JavaTimeModule());
        SimpleModule durations = new SimpleModule("quench-durations");
        durations.addDeserializer(Duration.class, new FriendlyDurationDeserializer());
        mapper.registerModule(durations);
        mapper.enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
        mapper.enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
        mapper.disable(com.fasterxml.jackson.databind.SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);
        mapper.disable(com.fasterxml.jackson.databind.SerializationFeature.WRITE_DURATIONS_AS_TIMESTAMPS);
        return mapper;
    }

    /** Reads {@code 30s}, {@code 5m}, {@code PT1M}, or a number of seconds. */
    private static final class FriendlyDurationDeserializer extends JsonDeserializer<Duration> {
        @Override
        public Duration deserialize(JsonParser parser, DeserializationContext context) throws IOException {
            if (parser.currentToken().isNumeric()) {
                return Duration.ofMillis(Math.round(parser.getDoubleValue() * 1000));
            }
            String text = parser.getValueAsString();
            try {
                return Durations.parse(text);
            } catch (IllegalArgumentException e) {
                return (Duration) context.handleWeirdStringValue(Duration.class, text, e.getMessage());
            }
        }
    }
}
