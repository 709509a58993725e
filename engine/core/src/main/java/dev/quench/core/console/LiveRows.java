package dev.quench.core.console;

import dev.quench.core.server.RunQueries;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The runs screen's one poll for its page: {@code GET /runs/live?id=A&id=B} answers the rows of the runs that
 * had not finished, as they are now (each swapped in by its id), and the poll again for those still
 * unfinished; when every row has finished the poll stops. One request every 2 seconds per open page, however
 * many of its rows are live. Immutable.
 *
 * @param rows    the asked runs this token may see, as they are now
 * @param pollUrl the next poll, for the rows that have still not finished; empty when none
 */
public record LiveRows(List<RunRow> rows, Optional<String> pollUrl) {

    /** A run id as the engine makes them (UUIDs; tests use short names). */
    private static final Pattern RUN_ID = Pattern.compile("[A-Za-z0-9._-]{1,100}");

    public LiveRows {
        rows = List.copyOf(rows);
    }

    /** The answer for {@code rows}, read now. */
    public static LiveRows of(List<RunRow> rows) {
        return new LiveRows(rows, pollUrl(rows));
    }

    /** The poll for the unfinished ones among {@code rows}; empty when every one has finished. */
    public static Optional<String> pollUrl(List<RunRow> rows) {
        List<RunRow> live = rows.stream().filter(RunRow::live).toList();
        if (live.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of("/runs/live?" + live.stream()
                .map(row -> "id=" + URLEncoder.encode(row.id(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&")));
    }

    /** The ids a poll asks for; refuses more than a page holds, and anything that is not a run id. */
    public static List<String> ids(List<String> asked) {
        if (asked.size() > RunQueries.MAX_LIMIT) {
            throw new IllegalArgumentException("at most " + RunQueries.MAX_LIMIT + " runs (the largest page) are "
                    + "refreshed at once, " + asked.size() + " were asked");
        }
        for (String id : asked) {
            if (!RUN_ID.matcher(id).matches()) {
                throw new IllegalArgumentException("'" + (id.length() > 40 ? id.substring(0, 40) + "..." : id)
                        + "' is not a run id (letters, digits, '.', '_' and '-', at most 100)");
            }
        }
        return List.copyOf(asked);
    }
}
