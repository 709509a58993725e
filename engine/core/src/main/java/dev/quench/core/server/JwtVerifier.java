package dev.quench.core.server;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.proc.BadJOSEException;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.proc.DefaultJWTClaimsVerifier;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import dev.quench.core.store.Role;
import dev.quench.core.store.TokenRepository;
import java.net.MalformedURLException;
import java.text.ParseException;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Checks bearer JWTs from the configured identity provider ({@link OidcSettings}): signature by a key of
 * its JWKS (RS/PS/ES algorithms only, never {@code none} or HMAC), exact issuer, audience, expiry and
 * not-before (one minute of clock skew), then the name, role and team claims. The JWKS is fetched at
 * start and held in memory ({@link JwksCache}: fetched again every 5 minutes, and in the background
 * soon after a key id not held appears, at most every 30 s; a request never waits for the provider). A
 * JWT cannot be revoked: keep their lifetimes short at the provider. Thread-safe.
 */
final class JwtVerifier implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(JwtVerifier.class);
    private static final Set<JWSAlgorithm> ALGORITHMS = Set.of(JWSAlgorithm.RS256, JWSAlgorithm.RS384,
            JWSAlgorithm.RS512, JWSAlgorithm.PS256, JWSAlgorithm.PS384, JWSAlgorithm.PS512, JWSAlgorithm.ES256,
            JWSAlgorithm.ES384, JWSAlgorithm.ES512);

    /** How often the JWKS is fetched again, and how soon after an unknown key id at most. */
    private static final java.time.Duration KEY_REFRESH = java.time.Duration.ofMinutes(5);
    private static final java.time.Duration UNKNOWN_KEY_FETCH = java.time.Duration.ofSeconds(30);

    private final OidcSettings settings;
    private final DefaultJWTProcessor<SecurityContext> processor = new DefaultJWTProcessor<>();
    private final JwksCache keys;

    JwtVerifier(OidcSettings settings) {
        this.settings = Objects.requireNonNull(settings, "settings");
        try {
            keys = new JwksCache(settings.jwksUrl().toURL(), KEY_REFRESH, UNKNOWN_KEY_FETCH, java.time.Clock.systemUTC());
        } catch (MalformedURLException e) {
            throw new IllegalArgumentException("oidc.jwksUrl " + settings.jwksUrl() + " is not a URL", e);
        }
        processor.setJWSKeySelector(new JWSVerificationKeySelector<>(ALGORITHMS, keys));
        processor.setJWTClaimsSetVerifier(new DefaultJWTClaimsVerifier<>(settings.audience(),
                new JWTClaimsSet.Builder().issuer(settings.issuer().toString()).build(),
                Set.of("exp", settings.nameClaim(), settings.roleClaim())));
        if (keys.size() == 0) {
            LOG.warn("no signing keys from the identity provider at oidc.jwksUrl {} yet; JWTs are refused until it "
                    + "answers (fetched again every {} s), named tokens work as before", settings.jwksUrl(),
                    UNKNOWN_KEY_FETCH.toSeconds());
        }
    }

    /** Stops fetching keys. */
    @Override
    public void close() {
        keys.close();
    }

    /** Whether {@code bearer} has the shape of a JWT (three base64url parts): only then is it checked here. */
    static boolean looksLikeJwt(String bearer) {
        return bearer.startsWith("ey") && bearer.chars().filter(character -> character == '.').count() == 2;
    }

    /** Checks {@code jwt}; found with the principal its claims name, or refused saying why. */
    TokenDirectory.Lookup verify(String jwt) {
        JWTClaimsSet claims;
        try {
            claims = processor.process(jwt, null);
        } catch (ParseException | BadJOSEException | JOSEException e) {
            return new TokenDirectory.Lookup.Refused("the JWT is not accepted (" + e.getMessage() + "): it must be "
                    + "signed by " + settings.issuer() + " for audience '" + settings.audience() + "' and not expired");
        }
        try {
            String name = claims.getStringClaim(settings.nameClaim());
            TokenRepository.checkName(name);
            Role role = highestRole(claims.getClaim(settings.roleClaim()));
            String team = settings.teamClaim() == null ? null : claims.getStringClaim(settings.teamClaim());
            if (team != null) {
                TokenRepository.checkTeam(team);
            }
            // Only a sender is bound to sources; the claim is ignored for the other roles.
            List<String> sources = role == Role.SENDER ? senderSources(claims) : List.of();
            return new TokenDirectory.Lookup.Found(new Principal(name, role, team, sources));
        } catch (ParseException | IllegalArgumentException e) {
            return new TokenDirectory.Lookup.Refused("the JWT's claims do not name a Quench principal: " + e.getMessage()
                    + " (claims " + settings.nameClaim() + ", " + settings.roleClaim()
                    + (settings.teamClaim() == null ? "" : ", " + settings.teamClaim())
                    + ", and " + settings.sourcesClaim() + " for a sender)");
        }
    }

    private List<String> senderSources(JWTClaimsSet claims) {
        List<String> named = texts(claims.getClaim(settings.sourcesClaim()));
        if (named.isEmpty()) {
            throw new IllegalArgumentException("a sender posts only to the webhook sources it is bound to, and claim "
                    + settings.sourcesClaim() + " names none");
        }
        return TokenRepository.checkSources(Role.SENDER, named);
    }

    /** A claim of one string or a list of them; absent: none. */
    private List<String> texts(Object claim) {
        if (claim == null) {
            return List.of();
        }
        List<?> values = claim instanceof List<?> list ? list : List.of(claim);
        if (!values.stream().allMatch(String.class::isInstance)) {
            throw new IllegalArgumentException("claim " + settings.sourcesClaim() + " must be a source name or a list "
                    + "of them: " + claim);
        }
        return values.stream().map(String.class::cast).toList();
    }

    private Role highestRole(Object claim) {
        List<?> values = claim instanceof List<?> list ? list : List.of(String.valueOf(claim));
        Role highest = null;
        for (Object value : values) {
            for (Role role : Role.values()) {
                if (role.wireName().equals(String.valueOf(value)) && (highest == null || role.atLeast(highest))) {
                    highest = role;
                }
            }
        }
        if (highest == null) {
            throw new IllegalArgumentException("claim " + settings.roleClaim() + " has no Quench role (sender, viewer, "
                    + "operator or admin): " + claim);
        }
        return highest;
    }
}
