package io.chainplan.schemas.config;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.Optional;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.apache.kafka.common.config.ConfigException;

/**
 * The TLS context of the schema-registry client from {@code schema.registry.ssl.*}: the trust store
 * decides which registry certificates are trusted (without one, the JDK's default trust store), the
 * key store holds a client certificate for mutual TLS.
 *
 * @param trustStore the trust store, if configured
 * @param keyStore   the key store, if configured (its password also unlocks its key)
 */
record RegistryTls(Optional<Store> trustStore, Optional<Store> keyStore) {
    /**
     * A key or trust store file.
     *
     * @param key      the key that names the file (for messages)
     * @param location file path
     * @param password store password, if any
     * @param type     store type ({@code PKCS12}, {@code JKS}, ...); empty: the JDK default
     */
    record Store(String key, String location, Optional<String> password, Optional<String> type) {
        KeyStore load() {
            try (InputStream in = Files.newInputStream(Path.of(location))) {
                KeyStore ks = KeyStore.getInstance(type.orElse(KeyStore.getDefaultType()));
                ks.load(in, passwordChars());
                return ks;
            } catch (IOException | GeneralSecurityException e) {
                throw new ConfigException(key, location, "cannot read the store: " + e.getMessage());
            }
        }

        char[] passwordChars() {
            return password.map(String::toCharArray).orElse(null);
        }
    }

    /**
     * @return a TLS context if a trust or key store is configured; empty: the JDK default context
     * @throws ConfigException naming the store's key if a store cannot be read or used
     */
    Optional<SSLContext> context() {
        if (trustStore.isEmpty() && keyStore.isEmpty()) {
            return Optional.empty();
        }
        try {
            TrustManagerFactory tmf = null;
            if (trustStore.isPresent()) {
                tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
                tmf.init(trustStore.get().load());
            }
            KeyManagerFactory kmf = null;
            if (keyStore.isPresent()) {
                kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
                kmf.init(keyStore.get().load(), keyStore.get().passwordChars());
            }
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(kmf == null ? null : kmf.getKeyManagers(), tmf == null ? null : tmf.getTrustManagers(), null);
            return Optional.of(ctx);
        } catch (GeneralSecurityException e) {
            throw new ConfigException("cannot set up TLS for the schema registry: " + e.getMessage());
        }
    }
}
