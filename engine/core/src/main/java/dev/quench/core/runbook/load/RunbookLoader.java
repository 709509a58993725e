package dev.quench.core.runbook.load;

import dev.quench.core.plugin.StepCatalog;
import dev.quench.core.runbook.ProblemList;
import dev.quench.core.runbook.Runbook;
import dev.quench.core.runbook.RunbookParser;
import dev.quench.core.runbook.RunbookProblem;
import dev.quench.core.runbook.SourcePosition;
import dev.quench.core.runbook.YamlReader;
import dev.quench.core.runbook.YamlSyntaxException;
import dev.quench.core.runbook.groovy.GroovyRunbookLoader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Loads YAML runbooks from a directory or a file, checking everything that can be checked before
 * a run: structure, names, matchers, step types and their fields, expressions and what they refer
 * to. A file with any problem yields its problems and no runbook, so a half-understood runbook
 * never runs; the other files still load. Thread-safe.
 */
public final class RunbookLoader {

    private final GroovyRunbookLoader groovy;

    /** Files larger than this are refused before parsing. */
    public static final long MAX_FILE_BYTES = 1 << 20;

    /** Below this many files, parsing in parallel costs more than it saves. */
    private static final int PARALLEL_FROM = 64;

    private final RunbookParser parser;
    private final YamlReader reader = new YamlReader();

    public RunbookLoader(StepCatalog catalog) {
        this.parser = new RunbookParser(Objects.requireNonNull(catalog, "catalog"));
        this.groovy = new GroovyRunbookLoader(catalog);
    }

    /** Whether a file in a runbooks directory holds a runbook (not a runbook test). */
    public static boolean isRunbookFile(String fileName) {
        return (fileName.endsWith(".yaml") || fileName.endsWith(".yml") || fileName.endsWith(".groovy"))
                && !fileName.endsWith(".test.yaml") && !fileName.endsWith(".test.yml");
    }

    /**
     * Loads every {@code *.yaml} and {@code *.yml} file directly in a directory (not in
     * subdirectories, in file name order), or the one file given. Runbook tests
     * ({@code *.test.yaml}, {@code *.test.yml}) beside the runbooks are not runbooks and are skipped.
     *
     * @throws UncheckedIOException when {@code directoryOrFile} does not exist or cannot be listed
     */
    public RunbookLoadResult load(Path directoryOrFile) {
        Objects.requireNonNull(directoryOrFile, "directoryOrFile");
        if (!Files.exists(directoryOrFile)) {
            throw new UncheckedIOException(new IOException("runbooks path does not exist: " + directoryOrFile));
        }
        List<Path> files;
        if (Files.isDirectory(directoryOrFile)) {
            try (Stream<Path> listing = Files.list(directoryOrFile)) {
                files = listing.filter(Files::isRegularFile)
                        .filter(path -> isRunbookFile(path.getFileName().toString()))
                        .sorted()
                        .toList();
            } catch (IOException e) {
                throw new UncheckedIOException("cannot list runbooks in " + directoryOrFile + ": " + e.getMessage(), e);
            }
        } else {
            files = List.of(directoryOrFile);
        }
        List<Runbook> runbooks = new ArrayList<>();
        List<RunbookProblem> problems = new ArrayList<>();
        List<RunbookProblem> warnings = new ArrayList<>();
        Map<String, RunbookParser.Parsed> byName = new HashMap<>();
        // Files are independent and the parser is thread-safe: parse them on every core (10,000
        // scheduled runbooks load in a fraction of the time), then merge in file name order so
        // duplicate names are reported the same way every time.
        List<FileResult> results = files.size() < PARALLEL_FROM ? files.stream().map(this::loadFile).toList()
                : files.parallelStream().map(this::loadFile).toList();
        for (FileResult one : results) {
            problems.addAll(one.problems());
            warnings.addAll(one.warnings());
            one.parsed().ifPresent(parsed -> {
                RunbookParser.Parsed first = byName.putIfAbsent(parsed.runbook().name(), parsed);
                if (first == null) {
                    runbooks.add(parsed.runbook());
                } else {
                    problems.add(RunbookProblem.at(parsed.namePosition(), "duplicate runbook name '"
                            + parsed.runbook().name() + "': " + first.namePosition() + " already uses it; runbook names "
                            + "must be unique"));
                }
            });
        }
        return new RunbookLoadResult(runbooks, problems, warnings);
    }

    /** Checks and loads runbook YAML that did not come from disk (an API upload); {@code file} names it in problems. */
    public RunbookLoadResult loadSource(Path file, String content) {
        FileResult result = parseSource(file, content);
        return new RunbookLoadResult(result.parsed().map(RunbookParser.Parsed::runbook).stream().toList(),
                result.problems(), result.warnings());
    }

    /** One file's outcome: a runbook (only when there are no problems) or its problems; and its warnings. */
    private record FileResult(Optional<RunbookParser.Parsed> parsed, List<RunbookProblem> problems,
                              List<RunbookProblem> warnings) {

        FileResult(Optional<RunbookParser.Parsed> parsed, List<RunbookProblem> problems) {
            this(parsed, problems, List.of());
        }
    }

    private FileResult parseSource(Path file, String content) {
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(content, "content");
        if (file.getFileName().toString().endsWith(".groovy")) {
            GroovyRunbookLoader.Loaded loaded = groovy.load(file, content);
            return new FileResult(loaded.runbook().map(runbook -> new RunbookParser.Parsed(runbook,
                    new SourcePosition(file, 1, 1))), loaded.problems());
        }
        ProblemList problems = new ProblemList(file);
        Optional<RunbookParser.Parsed> parsed = Optional.empty();
        try {
            parsed = parser.parse(reader.read(file, content), problems);
        } catch (YamlSyntaxException e) {
            problems.add(e.position(), e.getMessage());
        }
        return new FileResult(problems.isEmpty() ? parsed : Optional.empty(), problems.sorted(),
                problems.sortedWarnings());
    }

    private FileResult loadFile(Path file) {
        try {
            if (Files.size(file) > MAX_FILE_BYTES) {
                return fileProblem(file, "file is larger than " + MAX_FILE_BYTES / 1024 + " KiB: split it into "
                        + "several runbooks");
            }
            byte[] bytes = Files.readAllBytes(file);
            String content = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes))
                    .toString();
            return parseSource(file, content);
        } catch (CharacterCodingException e) {
            return fileProblem(file, "file is not valid UTF-8: save it as UTF-8");
        } catch (IOException e) {
            return fileProblem(file, "cannot read the file: " + e.getMessage());
        }
    }

    private static FileResult fileProblem(Path file, String message) {
        return new FileResult(Optional.empty(), List.of(new RunbookProblem(file, 1, 1, message)));
    }
}
