using System.Collections.Concurrent;
using System.Text;
using NJsonSchema;
using Ohm.Ocpp.Messages;
using Ohm.Ocpp.Tests.Support;
using Ohm.Ocpp.Validation;
using Xunit.Abstractions;

namespace Ohm.Ocpp.Tests.Validation;

/// <summary>
/// Differential test of the generated validators: for every official schema, valid samples and single-fault mutations
/// must get the same verdict from our validator and from NJsonSchema, and our errors must carry the Part 4 code of the
/// fault and the path of the mutated field.
/// </summary>
public sealed class SchemaDifferentialTests(ITestOutputHelper output)
{
    private static readonly ConcurrentDictionary<string, Task<JsonSchema>> Reference = new(StringComparer.Ordinal);

    public static TheoryData<string> SchemaNames => new(SchemaSamples.Names);

    [Fact]
    public void Every_action_has_a_request_and_a_response_schema()
    {
        Assert.Equal(128, SchemaSamples.Names.Count);
        var expected = OcppActions.All.SelectMany(a => new[] { a.Name + "Request", a.Name + "Response" }).Order(StringComparer.Ordinal);
        Assert.Equal(expected, SchemaSamples.Names);
    }

    [Theory]
    [MemberData(nameof(SchemaNames))]
    public async Task Generated_validator_agrees_with_NJsonSchema_and_reports_the_fault(string schemaName)
    {
        var reference = await Reference.GetOrAdd(schemaName, name => JsonSchema.FromJsonAsync(SchemaSamples.Text(name)));
        var validate = Validator(schemaName);
        var instances = SchemaMutations.For(schemaName);
        var problems = new List<string>();
        foreach (var instance in instances)
        {
            var ours = validate(Encoding.UTF8.GetBytes(instance.Json));
            var theirs = reference.Validate(instance.Json);
            if ((ours is null) != (theirs.Count == 0))
            {
                problems.Add($"{instance.Description}: ours says {Verdict(ours)}, NJsonSchema says {(theirs.Count == 0 ? "valid" : string.Join("; ", theirs))}\n    {instance.Json}");
            }
            else if (instance.ExpectedValid != (ours is null))
            {
                problems.Add($"{instance.Description}: both say {Verdict(ours)}, expected {(instance.ExpectedValid ? "valid" : "invalid")}\n    {instance.Json}");
            }
            else if (ours is not null && (ours.Code != instance.ExpectedCode || ours.Path != instance.ExpectedPath))
            {
                problems.Add($"{instance.Description}: expected {instance.ExpectedCode} at '{instance.ExpectedPath}', got {ours.Code} at '{ours.Path}'\n    {instance.Json}");
            }
        }

        output.WriteLine($"{schemaName}: {instances.Count} instances, {instances.Count(i => !i.ExpectedValid)} of them invalid, {problems.Count} problems");
        Assert.True(instances.Count > 2, $"No mutations derived for {schemaName}.");
        Assert.True(problems.Count == 0, $"{problems.Count} of {instances.Count} instances of {schemaName} went wrong:\n" + string.Join("\n", problems));
    }

    private static Func<byte[], OcppValidationError?> Validator(string schemaName)
    {
        var isRequest = schemaName.EndsWith("Request", StringComparison.Ordinal);
        var action = OcppActions.Find(schemaName[..^(isRequest ? "Request".Length : "Response".Length)])
            ?? throw new InvalidOperationException($"No action for {schemaName}.");
        return isRequest ? json => action.ValidateRequest(json) : json => action.ValidateResponse(json);
    }

    private static string Verdict(OcppValidationError? error) => error is null ? "valid" : $"invalid ({error})";
}
