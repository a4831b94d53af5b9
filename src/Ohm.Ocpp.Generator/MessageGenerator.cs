namespace Ohm.Ocpp.Generator;

/// <summary>The generator's entry point for the build tool and for the staleness test.</summary>
public static class MessageGenerator
{
    /// <summary>The generated files, by path relative to src/Ohm.Ocpp/Messages, with their content.</summary>
    public static IReadOnlyDictionary<string, string> Generate(string schemaDirectory)
    {
        var (actions, shared) = SchemaModel.Load(schemaDirectory);
        if (actions.Count != ActionRoles.Count)
        {
            throw new InvalidDataException($"Expected {ActionRoles.Count} actions in {schemaDirectory}, found {actions.Count}.");
        }

        return CSharpEmitter.Emit(actions, shared);
    }
}

/// <summary>Finds the repository root: the nearest folder upwards that holds schemas/ocpp2.0.1.</summary>
public static class RepositoryRoot
{
    /// <summary>The root above <paramref name="start"/>.</summary>
    public static string Find(string start)
    {
        for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
        {
            if (Directory.Exists(Path.Combine(dir.FullName, "schemas", "ocpp2.0.1")))
            {
                return dir.FullName;
            }
        }

        throw new DirectoryNotFoundException($"No folder above {start} holds schemas/ocpp2.0.1.");
    }
}
