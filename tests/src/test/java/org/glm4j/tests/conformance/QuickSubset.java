package org.glm4j.tests.conformance;

import java.lang.reflect.Method;
import java.util.Optional;
import java.util.regex.Pattern;
import org.junit.jupiter.api.TestTemplate;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.platform.commons.support.AnnotationSupport;

/**
 * {@code ./glm4j conformance --quick}: of the parity suite, only the cases at the model's real sizes run — the
 * parameterized invocations whose case name starts with {@code real} (the suite's naming for GLM-4.1V-9B shapes,
 * such as {@code real text gate_up 4096->27392 bf16, 2 rows}); other invocations and plain tests are disabled with
 * {@link #REASON}, which the run counts as "not in --quick" rather than as skipped.
 *
 * <p>Registered through {@code META-INF/services} for JUnit's extension auto-detection, which only the conformance
 * run turns on, and inert unless the configuration parameter {@value #PARAMETER} is {@code true}.
 */
public final class QuickSubset implements ExecutionCondition {
    /** Configuration parameter that turns the subset on. */
    public static final String PARAMETER = "glm4j.conformance.quick";
    /** The reason given for every test left out. */
    public static final String REASON = "not in the --quick subset (real-shape cases only)";

    /** A case name at the start of the display name, or after the backend name ({@code "{0} {1}"}). */
    private static final Pattern REAL = Pattern.compile("(^|\\s)real\\s");

    @Override
    public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
        if (!context.getConfigurationParameter(PARAMETER, Boolean::parseBoolean).orElse(false))
            return ConditionEvaluationResult.enabled("not a --quick run");
        Optional<Method> method = context.getTestMethod();
        if (method.isEmpty()) return ConditionEvaluationResult.enabled("classes run; their tests are chosen one by one");
        boolean invocation = context.getParent().flatMap(ExtensionContext::getTestMethod).isPresent();
        if (!invocation && AnnotationSupport.isAnnotated(method.get(), TestTemplate.class))
            return ConditionEvaluationResult.enabled("parameterized tests run; their cases are chosen one by one");
        return invocation && REAL.matcher(context.getDisplayName()).find()
                ? ConditionEvaluationResult.enabled("a real-shape case")
                : ConditionEvaluationResult.disabled(REASON);
    }
}
