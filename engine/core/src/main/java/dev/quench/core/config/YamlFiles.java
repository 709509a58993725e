package dev.quench.core.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.quench.core.util.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Reads the engine's own YAML files (config, inventory) with errors as {@code FILE:LINE:COL: message}. */
final class YamlFiles {

    private YamlFiles() {
    }

    /**
     * The YAML tree of {@code file}; null when the file is empty.
     *
     * @param what what the file is, for the message ("config file", "inventory")
     * @throws ConfigException naming the file and the position of a syntax error
     */
    static JsonNode readTree(Path file, String what) {
        try {
            return Json.yaml().readTree(Files.readString(file));
        } catch (JsonProcessingException e) {
            throw new ConfigException(file + ":" + e.getLocation().getLineNr() + ":" + e.getLocation().getColumnNr()
                    + ": " + e.getOriginalMessage(), e);
        } catch (IOException e) {
            throw new ConfigException("cannot read " + what + " " + file + ": " + e.getMessage(), e);
        }
    }
}
