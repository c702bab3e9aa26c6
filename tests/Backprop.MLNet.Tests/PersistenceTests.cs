using System.Diagnostics;
using System.Globalization;
using System.IO.Compression;
using Backprop.MLNet.Tests.Support;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace Backprop.MLNet.Tests;

public sealed class PersistenceTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("backprop-mlnet-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private (ITransformer Model, IDataView Data, string Path) TrainAndSave()
    {
        var ml = new MLContext(seed: 1);
        var data = Houses.Load(ml);
        var options = Houses.QuickOptions(15);
        options.HiddenLayers = [12, 6];
        options.Activation = Backprop.Activation.Tanh;
        var model = Houses.Featurizer(ml).Append(ml.Regression.Trainers.Backprop(options)).Fit(data);
        string path = Path.Combine(_folder, "model.zip");
        ml.Model.Save(model, data.Schema, path);
        return (model, data, path);
    }

    [Fact]
    public void Save_then_load_in_a_fresh_context_scores_identically()
    {
        var (model, data, path) = TrainAndSave();

        var fresh = new MLContext();
        var loaded = fresh.Model.Load(path, out var inputSchema);

        Assert.Equal(data.Schema.Select(c => c.Name), inputSchema.Select(c => c.Name));
        Assert.Equal(Houses.Scores(model.Transform(data)), Houses.Scores(loaded.Transform(data)));
        using var engine = fresh.Model.CreatePredictionEngine<House, PricePrediction>(loaded);
        var house = new House { Type = "Residential", Sqft = 1500, Beds = 3, Baths = 2 };
        using var original = new MLContext().Model.CreatePredictionEngine<House, PricePrediction>(model);
        Assert.Equal(original.Predict(house).Price, engine.Predict(house).Price);
    }

    [Fact]
    public void The_loaded_model_keeps_the_network_and_its_history()
    {
        var (model, _, path) = TrainAndSave();
        var loaded = (IEnumerable<ITransformer>)new MLContext().Model.Load(path, out _);
        var parameters = (BackpropRegressionModelParameters)((ISingleFeaturePredictionTransformer<object>)loaded.Last()).Model;
        var trained = ((IEnumerable<ITransformer>)model).OfType<ISingleFeaturePredictionTransformer<BackpropRegressionModelParameters>>().Single().Model;

        Assert.Equal(trained.Layers.Select(l => l.Weights.ToArray()), parameters.Layers.Select(l => l.Weights.ToArray()));
        Assert.Equal(Backprop.Activation.Tanh, parameters.Layers[0].Activation);
        Assert.Equal(trained.History.Epochs.Select(e => e.ValidationLoss), parameters.History.Epochs.Select(e => e.ValidationLoss));
        Assert.Equal(trained.FeatureMeans, parameters.FeatureMeans);
        Assert.Equal(trained.Network.TrainingState!.StepsCompleted, parameters.Network.TrainingState!.StepsCompleted);
    }

    [Fact]
    public void A_separate_process_loads_the_model_with_no_registration_and_scores_identically()
    {
        var (model, data, path) = TrainAndSave();

        float[][] scores = ScoreInSeparateProcess(path, Houses.Path);

        Assert.Equal(Houses.Scores(model.Transform(data)), scores.Select(s => s.Single()));
    }

    [Theory]
    [InlineData(LabelTask.Binary)]
    [InlineData(LabelTask.Multiclass)]
    public void Classifiers_save_and_load_in_a_fresh_context_and_a_separate_process(LabelTask task)
    {
        var ml = new MLContext(seed: 1);
        var dataset = task == LabelTask.Binary ? TabularDataset.BreastCancer : TabularDataset.Iris;
        var data = dataset.Load(ml);
        IEstimator<ITransformer> trainer = task == LabelTask.Binary
            ? ml.BinaryClassification.Trainers.Backprop(new BackpropBinaryTrainer.Options { LabelColumnName = dataset.Label, HiddenLayers = [8], NumberOfIterations = 10, Seed = 2 })
            : ml.MulticlassClassification.Trainers.Backprop(new BackpropMulticlassTrainer.Options { LabelColumnName = dataset.Label, HiddenLayers = [8], NumberOfIterations = 10, Seed = 2 });
        var model = dataset.Featurizer(ml).Append(trainer).Fit(data);
        string path = Path.Combine(_folder, $"{task}.zip");
        ml.Model.Save(model, data.Schema, path);

        var loaded = new MLContext().Model.Load(path, out _);
        var expected = model.Transform(data);
        var actual = loaded.Transform(data);

        float[][] expectedScores = ScoreRows(expected);
        Assert.Equal(expectedScores, ScoreRows(actual));
        Assert.Equal(expectedScores, ScoreInSeparateProcess(path, dataset.Path));
        if (task == LabelTask.Binary)
        {
            Assert.Equal(expected.GetColumn<float>("Probability"), actual.GetColumn<float>("Probability"));
            Assert.Equal(expected.GetColumn<bool>("PredictedLabel"), actual.GetColumn<bool>("PredictedLabel"));
        }
        else
        {
            Assert.Equal(expected.GetColumn<uint>("PredictedLabel"), actual.GetColumn<uint>("PredictedLabel"));
            VBuffer<ReadOnlyMemory<char>> names = default;
            actual.Schema["Score"].GetSlotNames(ref names);
            Assert.Equal(["setosa", "versicolor", "virginica"], names.DenseValues().Select(n => n.ToString()));
            var parameters = ((IEnumerable<ITransformer>)loaded).OfType<MulticlassPredictionTransformer<BackpropMulticlassModelParameters>>().Single().Model;
            Assert.Equal("species", parameters.LabelColumn);
        }
    }

    [Theory]
    [InlineData(LabelTask.Regression)]
    [InlineData(LabelTask.Binary)]
    [InlineData(LabelTask.Multiclass)]
    public void A_robustly_scaled_embedded_ensemble_saves_as_one_model_that_a_fresh_context_and_a_separate_process_score_identically(
        LabelTask task)
    {
        var ml = new MLContext(seed: 1);
        var dataset = TaskSetups.Dataset(task);
        var data = dataset.Load(ml);
        var model = TaskSetups.Pipeline(ml, task, o =>
        {
            o.NumberOfModels = 3;
            o.FeatureScaling = FeatureScaling.Robust;
            o.NumericEmbedding = new PeriodicEmbedding();
        }).Fit(data);
        string path = Path.Combine(_folder, $"ensemble-{task}.zip");
        ml.Model.Save(model, data.Schema, path);

        var loaded = new MLContext().Model.Load(path, out _);

        var trained = TaskSetups.Parameters(model);
        var parameters = TaskSetups.Parameters(loaded);
        Assert.Equal(3, parameters.Networks.Count);
        Assert.Equal(FeatureScaling.Robust, parameters.FeatureScaling);
        for (int m = 0; m < 3; m++)
        {
            Assert.Equal(trained.Networks[m].Layers.Select(l => l.Weights.ToArray()), parameters.Networks[m].Layers.Select(l => l.Weights.ToArray()));
            Assert.Equal(trained.Networks[m].Embedding!.Frequencies.ToArray(), parameters.Networks[m].Embedding!.Frequencies.ToArray());
        }
        float[][] expected = ScoreRows(model.Transform(data));
        Assert.Equal(expected, ScoreRows(loaded.Transform(data)));
        Assert.Equal(expected, ScoreInSeparateProcess(path, dataset.Path));
    }

    private static float[][] ScoreRows(IDataView scored) => scored.Schema["Score"].Type is VectorDataViewType
        ? scored.GetColumn<float[]>("Score").ToArray()
        : scored.GetColumn<float>("Score").Select(s => new[] { s }).ToArray();

    // Runs tests/Backprop.MLNet.ModelLoadCheck, which loads the model in a process of its own and prints its scores.
    internal static float[][] ScoreInSeparateProcess(string modelPath, string dataPath, string column = "Score")
    {
        string checker = Path.Combine(AppContext.BaseDirectory.Replace("Backprop.MLNet.Tests", "Backprop.MLNet.ModelLoadCheck"),
            "Backprop.MLNet.ModelLoadCheck.dll");
        Assert.True(File.Exists(checker), $"{checker} was not built");

        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string arg in new[] { checker, modelPath, dataPath, column })
            start.ArgumentList.Add(arg);
        using var process = Process.Start(start)!;
        string output = process.StandardOutput.ReadToEnd();
        string errors = process.StandardError.ReadToEnd();
        process.WaitForExit();

        Assert.True(process.ExitCode == 0, errors);
        return output.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(l => l.Split(' ').Select(v => float.Parse(v, CultureInfo.InvariantCulture)).ToArray()).ToArray();
    }

    [Fact]
    public void A_truncated_model_file_is_refused()
    {
        var (_, _, path) = TrainAndSave();
        byte[] bytes = File.ReadAllBytes(path);
        File.WriteAllBytes(path, bytes[..(bytes.Length / 2)]);

        // ML.NET's own reader refuses the zip before any Backprop code runs.
        var error = Assert.Throws<FormatException>(() => new MLContext().Model.Load(path, out _));
        Assert.Contains("zip", error.Message);
    }

    [Fact]
    public void A_file_that_is_not_a_model_is_refused()
    {
        string path = Path.Combine(_folder, "houses.zip");
        File.Copy(Houses.Path, path);

        var error = Assert.Throws<FormatException>(() => new MLContext().Model.Load(path, out _));
        Assert.Contains("zip", error.Message);
    }

    [Fact]
    public void A_damaged_network_inside_a_model_is_refused_with_a_message_that_says_so()
    {
        var (_, _, path) = TrainAndSave();
        using (var zip = ZipFile.Open(path, ZipArchiveMode.Update))
        {
            var entry = zip.Entries.Single(e => e.FullName.EndsWith("Model/Model.key", StringComparison.Ordinal) && e.Length > 1000);
            byte[] bytes;
            using (var stream = entry.Open())
            using (var copy = new MemoryStream())
            {
                stream.CopyTo(copy);
                bytes = copy.ToArray();
            }
            bytes[bytes.Length / 2] ^= 0x5A; // a byte inside the network payload, past ML.NET's header
            entry.Delete();
            using var rewritten = zip.CreateEntry(entry.FullName).Open();
            rewritten.Write(bytes);
        }

        var error = Assert.ThrowsAny<Exception>(() => new MLContext().Model.Load(path, out _));
        Assert.Contains("Backprop model inside this ML.NET model is damaged: its checksum does not match", AllMessages(error));
    }

    private static string AllMessages(Exception e) => e.InnerException is null ? e.Message : e.Message + " | " + AllMessages(e.InnerException);
}
