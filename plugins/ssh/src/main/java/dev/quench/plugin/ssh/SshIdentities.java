package dev.quench.plugin.ssh;

import com.jcraft.jsch.JSch;
import com.jcraft.jsch.JSchException;
import com.jcraft.jsch.KeyPair;
import dev.quench.api.StepFailedException;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Loads a target's private keys into a JSch instance, checking each file first so that a missing,
 * unreadable, unparseable or passphrase-protected key gets its own message instead of JSch's
 * generic "Auth fail" after a round trip to the server.
 */
final class SshIdentities {

    private SshIdentities() {
    }

    static void load(JSch jsch, SshTarget target) throws StepFailedException {
        String where = target.display() + ": ";
        if (target.privateKey().isPresent()) {
            loadText(jsch, target, where);
            return;
        }
        if (target.identities().isEmpty()) {
            throw new StepFailedException(where + "no private key to log in with: none of "
                    + target.identitySource() + " exists. Set identity in the step, in the inventory, "
                    + "or ssh.identity in quench.yaml.");
        }
        for (Path key : target.identities()) {
            if (!Files.exists(key)) {
                throw new StepFailedException(where + "private key file " + key + " does not exist (from "
                        + target.identitySource() + "). Check the path.");
            }
            if (!Files.isRegularFile(key) || !Files.isReadable(key)) {
                throw new StepFailedException(where + "cannot read private key file " + key + " (from "
                        + target.identitySource() + ") as user '" + System.getProperty("user.name")
                        + "'. Check its owner and permissions.");
            }
            KeyPair keyPair;
            try {
                keyPair = KeyPair.load(jsch, key.toString());
            } catch (JSchException e) {
                throw new StepFailedException(where + "private key file " + key + " is not a private key Quench "
                        + "can read (" + e.getMessage() + "). Use an OpenSSH or PEM private key "
                        + "(ssh-keygen -t ed25519).", e);
            }
            try {
                if (keyPair.isEncrypted() && target.passphrase().isEmpty()) {
                    throw new StepFailedException(where + "private key file " + key + " is protected by a "
                            + "passphrase, and the step gives none. Set passphrase: ${{ secrets.<name> }} on the "
                            + "step, or use a key without passphrase that only the Quench user can read (chmod 600).");
                }
                if (keyPair.isEncrypted() && !keyPair.decrypt(target.passphrase().get())) {
                    throw new StepFailedException(where + "wrong passphrase for private key file " + key + " (from "
                            + target.identitySource() + "): check the secret the step's passphrase comes from. "
                            + "Quench did not try to log in.");
                }
            } finally {
                keyPair.dispose();
            }
            try {
                jsch.addIdentity(key.toString(), target.passphrase().orElse(null));
            } catch (JSchException e) {
                throw new StepFailedException(where + "cannot load private key file " + key + ": " + e.getMessage(), e);
            }
        }
    }

    /** The step's privateKey: checked, then given to JSch as bytes; it never touches the disk. */
    private static void loadText(JSch jsch, SshTarget target, String where) throws StepFailedException {
        byte[] key = PrivateKeyText.bytes(target.privateKey().orElseThrow());
        byte[] passphrase = target.passphrase().map(text -> text.getBytes(StandardCharsets.UTF_8)).orElse(null);
        try {
            KeyPair keyPair;
            try {
                keyPair = KeyPair.load(jsch, key, null);
            } catch (JSchException e) {
                // JSch's message names the format problem, never the key's content.
                throw new StepFailedException(where + "the step's privateKey is not a private key Quench can read ("
                        + e.getMessage() + "). Put the whole OpenSSH or PEM private key file in the secret.", e);
            }
            try {
                if (keyPair.isEncrypted() && passphrase == null) {
                    throw new StepFailedException(where + "the step's privateKey is protected by a passphrase, and "
                            + "the step gives none. Set passphrase: ${{ secrets.<name> }} on the step.");
                }
                if (keyPair.isEncrypted() && !keyPair.decrypt(passphrase)) {
                    throw new StepFailedException(where + "wrong passphrase for the step's privateKey: check the "
                            + "secret the step's passphrase comes from. Quench did not try to log in.");
                }
            } finally {
                keyPair.dispose();
            }
            try {
                jsch.addIdentity("privateKey of the step for " + target.name(), key, null, passphrase);
            } catch (JSchException e) {
                throw new StepFailedException(where + "cannot load the step's privateKey: " + e.getMessage(), e);
            }
        } finally {
            // JSch keeps its own copy; these are wiped so that no further copy lingers on the heap.
            java.util.Arrays.fill(key, (byte) 0);
            if (passphrase != null) {
                java.util.Arrays.fill(passphrase, (byte) 0);
            }
        }
    }
}
