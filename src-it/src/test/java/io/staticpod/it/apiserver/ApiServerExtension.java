package io.staticpod.it.apiserver;

import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.jupiter.api.extension.TestInstanceFactoryContext;
import org.junit.jupiter.api.extension.TestInstancePreConstructCallback;

/**
 * {@code @ExtendWith(ApiServerExtension.class)}: one {@link ApiServerFixture} for the whole test run, shared by
 * every class that uses the extension, injected as a parameter of type {@code ApiServerFixture}. It is started
 * when first asked for and stopped when the root extension context closes, at the end of the run.
 *
 * <p>Ask for it in the test class's constructor or in test methods: when the binaries are missing, each test is
 * then skipped (failed under {@code CI=true}) with the reason. Asked for in a {@code @BeforeAll} method, the whole
 * class is aborted instead, which Maven reports as no test run at all.
 */
public final class ApiServerExtension implements TestInstancePreConstructCallback, BeforeEachCallback, ParameterResolver {
    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(ApiServerExtension.class);

    /** Checked here, not while resolving a parameter: JUnit turns an abort there into an error. */
    @Override
    public void preConstructTestInstance(TestInstanceFactoryContext factory, ExtensionContext context) {
        ApiServerFixture.requireBinaries();
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        ApiServerFixture.requireBinaries();
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
