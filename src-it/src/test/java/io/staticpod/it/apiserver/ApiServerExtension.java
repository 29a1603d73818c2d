package io.staticpod.it.apiserver;

import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * {@code @ExtendWith(ApiServerExtension.class)}: one {@link ApiServerFixture} for the whole test run, shared by
 * every class that uses the extension, injected as a constructor, lifecycle or test method parameter. It is
 * started before the first such class runs (skipping or failing the class when the binaries are missing) and
 * stopped when the root extension context closes, at the end of the run.
 */
public final class ApiServerExtension implements BeforeAllCallback, ParameterResolver {
    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(ApiServerExtension.class);

    @Override
    public void beforeAll(ExtensionContext context) {
        fixture(context);
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == ApiServerFixture.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        return fixture(context);
    }

    private static ApiServerFixture fixture(ExtensionContext context) {
        return context.getRoot().getStore(NAMESPACE)
                .getOrComputeIfAbsent(Stopper.class, k -> new Stopper(ApiServerFixture.shared()), Stopper.class)
                .fixture();
    }

    /** Closed by JUnit with the root context: stops the shared fixture at the end of the run. */
    private record Stopper(ApiServerFixture fixture) implements AutoCloseable {
        @Override
        public void close() {
            ApiServerFixture.stopShared();
        }
    }
}
