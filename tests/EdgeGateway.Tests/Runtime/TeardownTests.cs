using EdgeGateway.Runtime;
using EdgeGateway.TestSupport;
using Microsoft.Extensions.Logging;

namespace EdgeGateway.Tests.Runtime;

/// <summary>A stop that meets a failing part still stops every other part, and says what failed and where.</summary>
public sealed class TeardownTests
{
    [Fact]
    public async Task A_failing_step_is_logged_with_its_cause_and_the_steps_after_it_still_run()
    {
        var logger = new RecordingLogger();
        var teardown = new Teardown(logger);
        var ran = new List<string>();

        await teardown.StepAsync("the duty centre", () => { ran.Add("centre"); return ValueTask.CompletedTask; });
        await teardown.StepAsync("the outbox", () => throw ThrowingTypeInitializer());
        teardown.Step("the home", () => ran.Add("home"));
        await teardown.StepAsync("the broker", () => { ran.Add("broker"); return ValueTask.CompletedTask; });

        Assert.Equal(["centre", "home", "broker"], ran);
        var (step, error) = Assert.Single(teardown.Failures);
        Assert.Equal("the outbox", step);
        Assert.IsType<TypeInitializationException>(error);
        var entry = Assert.Single(logger.Entries);
        Assert.Equal(LogLevel.Error, entry.Level);
        Assert.Contains("the outbox failed", entry.Message, StringComparison.Ordinal);

        // The line names the innermost cause and the method that threw it, not only the wrapper.
        Assert.Contains("NullReferenceException", entry.Message, StringComparison.Ordinal);
        Assert.Contains($"thrown at {typeof(Initializer).FullName!.Replace('+', '.')}.Fail(", entry.Message, StringComparison.Ordinal);
        Assert.Same(error, entry.Exception);
    }

    [Fact]
    public void Describe_names_the_wrapper_the_root_cause_and_where_it_was_thrown()
    {
        var text = Teardown.Describe(ThrowingTypeInitializer());

        Assert.StartsWith("TypeInitializationException: ", text, StringComparison.Ordinal);
        Assert.Contains("<- NullReferenceException: ", text, StringComparison.Ordinal);
        Assert.Contains($"(thrown at {typeof(Initializer).FullName!.Replace('+', '.')}.Fail()", text, StringComparison.Ordinal);
    }

    private static TypeInitializationException ThrowingTypeInitializer()
    {
        try
        {
            _ = Initializer.Value;
            throw new InvalidOperationException("the type initializer did not throw");
        }
        catch (TypeInitializationException ex)
        {
            return ex;
        }
    }

    private static class Initializer
    {
        public static readonly string Value = Fail();

        private static readonly string? Missing = Environment.GetEnvironmentVariable("EDGEGATEWAY_NEVER_SET_" + Guid.NewGuid().ToString("N"));

        // A real NullReferenceException, as the reflection stub threw it in the trimmed arm64 release.
        private static string Fail() => Missing!.Trim();
    }
}
