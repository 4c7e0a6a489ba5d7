package io.chainplan.schemas.serde;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.util.ClassSecurityValidator;

/**
 * Avro 1.12 refuses to load record classes by name unless they are trusted
 * ({@link ClassSecurityValidator}); schema resolution does load them. This adds, once per package,
 * the package of each record class handed to a serde, keeping Avro's other rules in force.
 */
final class AvroClassTrust {
    private static final Set<String> TRUSTED = ConcurrentHashMap.newKeySet();

    private AvroClassTrust() {
    }

    /** Trusts the package of {@code type} (the generated classes of one schema namespace). */
    static void trustPackageOf(Class<?> type) {
        trustPackage(type.getPackageName());
    }

    /** Trusts the classes of one package. */
    static void trustPackage(String pkg) {
        if (TRUSTED.contains(pkg)) {
            return;
        }
        synchronized (TRUSTED) {
            if (TRUSTED.add(pkg)) {
                ClassSecurityValidator.ClassSecurityPredicate prior = ClassSecurityValidator.getGlobal();
                ClassSecurityValidator.setGlobal(ClassSecurityValidator.composite(prior,
                        c -> c.getPackageName().equals(pkg)));
            }
        }
    }
}
