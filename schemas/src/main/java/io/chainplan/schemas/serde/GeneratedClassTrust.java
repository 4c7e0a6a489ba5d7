package io.chainplan.schemas.serde;

import org.apache.avro.Conversion;

/**
 * Trusts chainplan's generated Avro classes ({@code io.chainplan.schemas.avro}) as soon as the
 * first one is loaded, so that builders relying on enum defaults ({@code ServerStatus},
 * {@code TriggerKind}) work in any JVM, not only after a serde was created: Avro 1.12 refuses to
 * load record classes by name otherwise (see {@link AvroClassTrust}).
 * <p>How: every generated class creates a {@code SpecificData}, whose constructor loads
 * {@link Conversion} services; this class is registered as one in {@code META-INF/services} for
 * that side effect only. Its logical type ({@value #TYPE_NAME}) and converted type (this class)
 * are used by no schema, so it never converts anything.
 */
public final class GeneratedClassTrust extends Conversion<GeneratedClassTrust> {
    /** A logical type name no schema uses. */
    public static final String TYPE_NAME = "chainplan-trust-generated-classes";
    /** The package of the generated classes. */
    public static final String GENERATED_PACKAGE = "io.chainplan.schemas.avro";

    /** Called by {@link java.util.ServiceLoader}; trusts {@value #GENERATED_PACKAGE}. */
    public GeneratedClassTrust() {
        AvroClassTrust.trustPackage(GENERATED_PACKAGE);
    }

    @Override
    public Class<GeneratedClassTrust> getConvertedType() {
        return GeneratedClassTrust.class;
    }

    @Override
    public String getLogicalTypeName() {
        return TYPE_NAME;
    }
}
