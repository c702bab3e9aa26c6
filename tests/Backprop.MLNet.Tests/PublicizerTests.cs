using System.Reflection;
using Backprop.MLNet.Publicizer;
using Mono.Cecil;

namespace Backprop.MLNet.Tests;

/// <summary>The build-time publicizer that lets the ML.NET layer compile against ML.NET's internals.</summary>
public sealed class PublicizerTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("backprop-publicizer-").FullName;

    private static string RealAssembly(string name) => Path.Combine(AppContext.BaseDirectory, name + ".dll");

    private AssemblyDefinition Publicized(string name)
    {
        string output = Path.Combine(_directory, name + ".dll");
        AssemblyPublicizer.Publicize(RealAssembly(name), output);
        return AssemblyDefinition.ReadAssembly(output);
    }

    [Fact]
    public void The_copy_keeps_the_assembly_identity_so_code_binds_to_the_real_assembly()
    {
        using AssemblyDefinition original = AssemblyDefinition.ReadAssembly(RealAssembly("Microsoft.ML.Core"));
        using AssemblyDefinition copy = Publicized("Microsoft.ML.Core");

        Assert.Equal(original.Name.Name, copy.Name.Name);
        Assert.Equal(original.Name.Version, copy.Name.Version);
        Assert.Equal(original.Name.PublicKeyToken, copy.Name.PublicKeyToken);
        Assert.Equal(new Version(1, 0, 0, 0), copy.Name.Version);
    }

    [Fact]
    public void Internal_types_and_members_a_trainer_needs_become_public()
    {
        using AssemblyDefinition original = AssemblyDefinition.ReadAssembly(RealAssembly("Microsoft.ML.Core"));
        using AssemblyDefinition copy = Publicized("Microsoft.ML.Core");

        // VersionInfo and the model-saving context are what Model.Save/Load needs (both internal in ML.NET 5.0.1).
        TypeDefinition versionInfo = copy.MainModule.GetType("Microsoft.ML.VersionInfo");
        Assert.False(original.MainModule.GetType("Microsoft.ML.VersionInfo").IsPublic);
        Assert.True(versionInfo.IsPublic);
        TypeDefinition saveContext = copy.MainModule.GetType("Microsoft.ML.ModelSaveContext");
        Assert.All(saveContext.Methods.Where(m => !m.Name.Contains('.') && !m.Name.Contains('<')), m => Assert.True(m.IsPublic || m.IsFamily, $"{m.Name} is still hidden"));
        Assert.Contains(original.MainModule.GetType("Microsoft.ML.ModelSaveContext").Methods, m => m.IsAssembly);
    }

    [Fact]
    public void Private_protected_members_become_protected_so_they_can_still_be_overridden()
    {
        using AssemblyDefinition original = AssemblyDefinition.ReadAssembly(RealAssembly("Microsoft.ML.Data"));
        using AssemblyDefinition copy = Publicized("Microsoft.ML.Data");

        // TrainerEstimatorBase<,>.TrainModelCore is private protected abstract in ML.NET 5.0.1.
        const string trainer = "Microsoft.ML.Trainers.TrainerEstimatorBase`2";
        MethodDefinition before = original.MainModule.GetType(trainer).Methods.Single(m => m.Name == "TrainModelCore");
        MethodDefinition after = copy.MainModule.GetType(trainer).Methods.Single(m => m.Name == "TrainModelCore");
        Assert.True(before.IsFamilyAndAssembly);
        Assert.True(after.IsFamily);
        Assert.True(after.IsAbstract);
    }

    [Fact]
    public void Explicit_interface_implementations_and_compiler_generated_members_are_left_alone()
    {
        using AssemblyDefinition copy = Publicized("Microsoft.ML.Data");
        IEnumerable<TypeDefinition> types = copy.MainModule.GetTypes();

        Assert.All(types.SelectMany(t => t.Methods).Where(m => m.HasOverrides && m.Name.Contains('.')), m => Assert.True(m.IsPrivate, m.FullName));
        Assert.All(types.SelectMany(t => t.Fields).Where(f => f.Name.Contains("k__BackingField")), f => Assert.True(f.IsPrivate, f.FullName));
    }

    [Fact]
    public void The_ml_net_layer_declares_the_access_the_runtime_must_allow()
    {
        // Without these attributes the runtime throws TypeLoadException/MethodAccessException on the first internal use.
        Assembly layer = Assembly.Load("Backprop.MLNet");
        string[] granted = layer.GetCustomAttributesData()
            .Where(a => a.AttributeType.FullName == "System.Runtime.CompilerServices.IgnoresAccessChecksToAttribute")
            .Select(a => (string)a.ConstructorArguments[0].Value!)
            .Order()
            .ToArray();
        Assert.Equal(["Microsoft.ML.Core", "Microsoft.ML.Data", "Microsoft.ML.StandardTrainers", "Microsoft.ML.Transforms"], granted);
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);
}
