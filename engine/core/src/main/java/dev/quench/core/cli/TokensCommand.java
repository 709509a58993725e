package dev.quench.core.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.quench.core.config.ConfigException;
import dev.quench.core.config.ConfigLoader;
import dev.quench.core.config.QuenchConfig;
import dev.quench.core.config.WebhookSources;
import dev.quench.core.plugin.PluginRegistry;
import dev.quench.core.runbook.Runbook;
import dev.quench.core.runbook.load.RunbookLoader;
import dev.quench.core.store.AuditEntry;
import dev.quench.core.store.IssuedToken;
import dev.quench.core.store.Role;
import dev.quench.core.store.Store;
import dev.quench.core.store.StoredToken;
import dev.quench.core.store.TokenRepository;
import dev.quench.core.util.Durations;
import dev.quench.core.util.Json;
import dev.quench.core.util.TerminalText;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code quench tokens create|list|revoke}: named tokens with a role, on a running engine (admin token)
 * or on a data directory's store. Exit 2 for bad input (unknown role, team or token, a bad name).
 */
@Command(name = "tokens", mixinStandardHelpOptions = true, description = "Named API tokens with roles.",
        subcommands = {TokensCommand.Create.class, TokensCommand.ListTokens.class, TokensCommand.Revoke.class})
final class TokensCommand {

    @Command(name = "create", mixinStandardHelpOptions = true,
            description = "Make a token; it is printed once on stdout (Quench keeps only its hash).")
    static final class Create implements Callable<Integer> {

        @Mixin
        AdminTarget target;

        @Parameters(paramLabel = "NAME", description = "the token's name: the actor recorded for what it does")
        String name;

        @Option(names = "--role", required = true, description = "sender, viewer, operator or admin")
        String role;

        @Option(names = "--team", description = "limit it to runbooks whose owner is TEAM")
        String team;

        @Option(names = "--source", paramLabel = "SOURCE", description = "for --role sender: a webhook source it "
                + "posts to (alertmanager, grafana, pagerduty, or NAME of /hooks/generic/NAME); repeat for more")
        List<String> sources = new java.util.ArrayList<>();

        @Option(names = "--expires", paramLabel = "DURATION", description = "it stops working after this (90d, 12h)")
        String expires;

        @Option(names = "--config", paramLabel = "FILE",
                description = "quench.yaml, where --source names its generic sources when working on --data directly")
        Path config;

        @Option(names = "--runbooks", paramLabel = "DIR", defaultValue = "runbooks",
                description = "where --team is checked when working on --data directly (default: ${DEFAULT-VALUE})")
        Path runbooks;

        @Override
        public Integer call() throws Exception {
            Role parsedRole;
            List<String> bound;
            Instant expiresAt;
            try {
                TokenRepository.checkName(name);
                parsedRole = Role.parse(role);
                if (team != null) {
                    TokenRepository.checkTeam(team);
                }
                bound = TokenRepository.checkSources(parsedRole, sources);
                expiresAt = expires == null ? null : Instant.now().plus(positive(expires));
            } catch (IllegalArgumentException e) {
                System.err.println("quench tokens create: " + TerminalText.escape(e.getMessage()));
                return 2;
            }
            Optional<AdminTarget.Remote> remote = target.remote();
            if (remote.isPresent()) {
                ObjectNode body = Json.json().createObjectNode().put("name", name).put("role", role);
                if (team != null) {
                    body.put("team", team);
                }
                if (!bound.isEmpty()) {
                    ArrayNode array = body.putArray("sources");
                    bound.forEach(array::add);
                }
                if (expires != null) {
                    body.put("expires", expires);
                }
                AdminTarget.Answer answer = remote.get().send("POST", "/api/v1/tokens", body.toString());
                if (answer.status() != 201) {
                    System.err.println("quench tokens create: " + TerminalText.escape(answer.error()));
                    return answer.exitCode();
                }
                return printed(answer.body().path("token").asText(), answer.body().path("expiresAt").asText(null));
            }
            if (team != null) {
                Optional<String> unknown = unknownTeam(team, runbooks);
                if (unknown.isPresent()) {
                    System.err.println("quench tokens create: " + TerminalText.escape(unknown.get()));
                    return 2;
                }
            }
            try {
                // The engine is not running: its webhook sources are read from the config it would run with.
                if (!bound.isEmpty()) {
                    QuenchConfig settings = ConfigLoader.load(config, Path.of("data"));
                    WebhookSources.requireKnown(bound, WebhookSources.of(settings));
                }
            } catch (IllegalArgumentException | ConfigException e) {
                System.err.println("quench tokens create: " + TerminalText.escape(e.getMessage())
                        + (config == null ? "; pass --config FILE for the generic sources of quench.yaml" : ""));
                return 2;
            }
            try (Store store = target.openStore()) {
                Instant now = Instant.now();
                IssuedToken issued;
                try {
                    issued = store.tokens().create(name, parsedRole, team, bound, expiresAt, AdminTarget.localActor(),
                            now);
                } catch (IllegalArgumentException e) {
                    System.err.println("quench tokens create: " + TerminalText.escape(e.getMessage()));
                    store.audit().append(local(now, "token.create", "token " + name, "refused", e.getMessage()));
                    return 2;
                }
                store.audit().append(local(now, "token.create", "token " + name, "ok", "role " + role
                        + (team == null ? "" : ", team " + team)
                        + (bound.isEmpty() ? "" : ", sources " + String.join(",", bound))));
                return printed(issued.secret(), expiresAt == null ? null : expiresAt.toString());
            }
        }

        private int printed(String secret, String expiresAt) {
            System.out.println(secret);
            System.err.println("token '" + name + "' (" + role + (team == null ? "" : ", team " + team)
                    + (sources.isEmpty() ? "" : ", sources " + String.join(",", sources))
                    + (expiresAt == null ? "" : ", expires " + expiresAt) + "): shown this once; Quench keeps only its "
                    + "hash. Send it as 'Authorization: Bearer <token>'.");
            return 0;
        }

        private static java.time.Duration positive(String text) {
            java.time.Duration duration = Durations.parse(text);
            if (duration.isZero() || duration.isNegative()) {
                throw new IllegalArgumentException("--expires must be a positive duration (90d, 12h), was '" + text + "'");
            }
            return duration;
        }

        /** Why {@code team} is not a runbook owner in {@code directory}, if it is not. */
        private static Optional<String> unknownTeam(String team, Path directory) {
            if (!Files.isDirectory(directory)) {
                return Optional.of("cannot check team '" + team + "': no runbooks directory at " + directory
                        + " (pass --runbooks DIR: a team is the owner of a runbook)");
            }
            TreeSet<String> owners = new TreeSet<>();
            try (PluginRegistry plugins = PluginRegistry.discover(null)) {
                new RunbookLoader(plugins).load(directory).runbooks().stream().map(Runbook::owner)
                        .filter(owner -> !owner.isEmpty()).forEach(owners::add);
            }
            return owners.contains(team) ? Optional.empty() : Optional.of("unknown team '" + team
                    + "': no runbook in " + directory + " has owner: " + team
                    + (owners.isEmpty() ? "" : "; the teams are " + String.join(", ", owners)));
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "Every token: role, team, state, expiry.")
    static final class ListTokens implements Callable<Integer> {

        @Mixin
        AdminTarget target;

        @Override
        public Integer call() throws Exception {
            Optional<AdminTarget.Remote> remote = target.remote();
            System.out.printf("%-24s %-9s %-16s %-8s %-24s %-24s %s%n", "NAME", "ROLE", "TEAM", "STATE", "EXPIRES",
                    "SOURCES", "CREATED BY");
            if (remote.isPresent()) {
                AdminTarget.Answer answer = remote.get().send("GET", "/api/v1/tokens", null);
                if (answer.status() != 200) {
                    System.err.println("quench tokens list: " + TerminalText.escape(answer.error()));
                    return answer.exitCode();
                }
                for (JsonNode token : answer.body().path("tokens")) {
                    List<String> bound = new java.util.ArrayList<>();
                    token.path("sources").forEach(source -> bound.add(source.asText()));
                    row(token.path("name").asText(), token.path("role").asText(), token.path("team").asText("-"),
                            token.path("state").asText(), token.path("expiresAt").asText("never"), bound,
                            token.path("createdBy").asText());
                }
                return 0;
            }
            try (Store store = target.openStore()) {
                Instant now = Instant.now();
                List<StoredToken> tokens = store.tokens().list();
                for (StoredToken token : tokens) {
                    row(token.name(), token.role().wireName(), token.team() == null ? "-" : token.team(),
                            token.stateAt(now), token.expiresAt() == null ? "never" : token.expiresAt().toString(),
                            token.sources(), token.createdBy());
                }
            }
            return 0;
        }

        private static void row(String name, String role, String team, String state, String expires,
                                List<String> sources, String by) {
            System.out.println(TerminalText.escape(String.format("%-24s %-9s %-16s %-8s %-24s %-24s %s", name, role,
                    team.equals("null") ? "-" : team, state, expires.equals("null") ? "never" : expires,
                    sources.isEmpty() ? "-" : String.join(",", sources), by)));
        }
    }

    @Command(name = "revoke", mixinStandardHelpOptions = true,
            description = "Revoke a token: it stops working on every engine sharing the store within a second.")
    static final class Revoke implements Callable<Integer> {

        @Mixin
        AdminTarget target;

        @Parameters(paramLabel = "NAME", description = "the token's name")
        String name;

        @Override
        public Integer call() throws Exception {
            Optional<AdminTarget.Remote> remote = target.remote();
            if (remote.isPresent()) {
                AdminTarget.Answer answer = remote.get().send("DELETE", "/api/v1/tokens/"
                        + URLEncoder.encode(name, StandardCharsets.UTF_8).replace("+", "%20"), null);
                if (answer.status() != 200) {
                    System.err.println("quench tokens revoke: " + TerminalText.escape(answer.error()));
                    return answer.exitCode();
                }
                System.out.println("revoked token '" + TerminalText.escape(name) + "'");
                return 0;
            }
            try (Store store = target.openStore()) {
                Instant now = Instant.now();
                Optional<StoredToken> revoked = store.tokens().revoke(name, AdminTarget.localActor(), now);
                if (revoked.isEmpty()) {
                    System.err.println("quench tokens revoke: unknown token '" + TerminalText.escape(name)
                            + "' ('quench tokens list' shows them)");
                    store.audit().append(local(now, "token.revoke", "token " + name, "refused", "unknown token"));
                    return 2;
                }
                store.audit().append(local(now, "token.revoke", "token " + name, "ok", ""));
                System.out.println("revoked token '" + TerminalText.escape(name) + "'");
                return 0;
            }
        }
    }

    static AuditEntry local(Instant now, String action, String target, String outcome, String detail) {
        return new AuditEntry(0, now, AdminTarget.localActor(), "admin", action, target, outcome, "cli", detail);
    }
}
