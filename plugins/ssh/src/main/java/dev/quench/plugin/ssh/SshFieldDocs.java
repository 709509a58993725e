package dev.quench.plugin.ssh;

/**
 * The descriptions of the fields the ssh step types share (where a step runs, as whom, how it logs in), for
 * their {@link dev.quench.api.StepField} annotations: written once, shown for {@code ssh.exec},
 * {@code ssh.script}, {@code ssh.upload} and {@code ssh.download} alike.
 */
final class SshFieldDocs {

    static final String HOST = "an inventory name (`web-7`) or an address";
    static final String HOSTS = "fan-out: inventory names or addresses, in rollout order ([fanout.md](fanout.md))";
    static final String SELECTOR = "fan-out: the inventory hosts whose labels match (`role=web,env!=staging`)";
    static final String PORT = "SSH port";
    static final String PORT_ABSENT = "the inventory's, then `ssh.port`, then 22";
    static final String USER = "login user";
    static final String USER_ABSENT = "the inventory's, then `ssh.user`, then the user Quench runs as";
    static final String IDENTITY = "private key file";
    static final String IDENTITY_ABSENT = "the inventory's, then `ssh.identity`, then `~/.ssh/id_ed25519`, `id_ecdsa`, "
            + "`id_rsa`";
    static final String PRIVATE_KEY = "the private key's text (OpenSSH or PEM) from a secret "
            + "(`${{ secrets.deploy_key }}`), instead of `identity`; kept in memory only, never shown";
    static final String PASSPHRASE = "the private key's passphrase, from a secret; never shown";
    static final String SUDO = "run the command through `sudo -n -- sh -c '…'`";
    static final String ENV = "environment variables exported before the command (inside sudo's shell with `sudo`); "
            + "names must be shell names";
    static final String JUMP = "a jump host (bastion) to connect through: an inventory name or `[user@]host[:port]` "
            + "([ssh.md](ssh.md#jump-host-jump))";
    static final String JUMP_ABSENT = "a direct connection";
    static final String CONNECT_TIMEOUT = "time for TCP, key exchange and login";
    static final String CONNECT_TIMEOUT_ABSENT = "`ssh.connectTimeout`, then 10s";
    static final String CONCURRENCY = "fan-out: how many targets run at once";
    static final String MAX_ERRORS = "fan-out: failures tolerated before no new target starts, a count (`3`) or a "
            + "share (`10%`); 0 stops at the first failure";
    static final String CANARY = "fan-out: how many first targets run alone before the rest";
    static final String NONE = "none";

    private SshFieldDocs() {
    }
}
