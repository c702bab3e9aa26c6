using Backprop.MLNet.Comparison;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace Backprop.MLNet.Samples.Tests;

/// <summary>What automatic featurization infers from a CSV file, and what it refuses.</summary>
public class TabularDataTests
{
    private static string WriteCsv(string text)
    {
        string path = Path.Combine(SampleProcess.TempFolder(), "data.csv");
        File.WriteAllText(path, text);
        return path;
    }

    [Fact]
    public void Sacramento_is_regression_with_its_text_columns_one_hot_and_the_rest_numeric()
    {
        var ml = new MLContext(seed: 1);
        var data = TabularData.LoadCsv(ml, SampleProcess.Shipped("sacramento_housing.csv"), "price");

        Assert.Equal(PredictionTask.Regression, data.Task);
        Assert.True(data.TaskInferred);
        Assert.Equal(932, data.RowCount);
        var kinds = data.Features.ToDictionary(f => f.Name, f => f.Kind);
        Assert.Equal(FeatureKind.Categorical, kinds["city"]);
        Assert.Equal(FeatureKind.Categorical, kinds["zip"]);
        Assert.Equal(FeatureKind.Categorical, kinds["type"]);
        foreach (string numeric in new[] { "beds", "baths", "sqft", "latitude", "longitude" })
            Assert.Equal(FeatureKind.Numeric, kinds[numeric]);

        // The featurized vector: five numbers plus one slot per category seen in training.
        var featurized = data.Featurizer(ml).Fit(data.Data).Transform(data.Data);
        int categories = data.Features.Where(f => f.Kind == FeatureKind.Categorical).Sum(f => f.DistinctCount);
        Assert.Equal(5 + categories, ((VectorDataViewType)featurized.Schema[TabularData.FeatureColumnName].Type).Size);
        Assert.Equal(NumberDataViewType.Single, featurized.Schema[data.LabelColumnName].Type);
    }

    [Fact]
    public void A_numeric_label_with_two_values_is_binary_and_one_is_the_positive_class()
    {
        var data = TabularData.LoadCsv(new MLContext(), SampleProcess.Shipped("breast_cancer_wisconsin_diagnostic.csv"), "malignant");

        Assert.Equal(PredictionTask.BinaryClassification, data.Task);
        Assert.Equal(["0", "1"], data.Classes);
    }

    [Fact]
    public void A_text_label_with_two_values_takes_the_rarer_as_positive_unless_one_says_yes()
    {
        string rare = WriteCsv("x,outcome\n1,ok\n2,ok\n3,ok\n4,fraud\n5,ok\n6,fraud\n");
        string yes = WriteCsv("x,churned\n1,yes\n2,yes\n3,yes\n4,no\n");

        Assert.Equal(["ok", "fraud"], TabularData.LoadCsv(new MLContext(), rare, "outcome").Classes);
        Assert.Equal(["no", "yes"], TabularData.LoadCsv(new MLContext(), yes, "churned").Classes);
    }

    [Fact]
    public void Iris_is_multiclass_and_every_fold_maps_the_same_three_keys()
    {
        var ml = new MLContext(seed: 1);
        var data = TabularData.LoadCsv(ml, SampleProcess.Shipped("iris.csv"), "species");
        Assert.Equal(PredictionTask.MulticlassClassification, data.Task);
        Assert.Equal(["setosa", "versicolor", "virginica"], data.Classes);

        // Fitted on setosa rows alone, the key still has all three classes.
        var setosa = ml.Data.FilterByCustomPredicate<Flower>(data.Data, f => f.species != "setosa");
        var keyType = data.Featurizer(ml).Fit(setosa).Transform(data.Data).Schema[data.LabelColumnName].Type;
        Assert.Equal(3UL, ((KeyDataViewType)keyType).Count);
    }

    private sealed class Flower
    {
        public string species { get; set; } = "";
    }

    [Fact]
    public void A_numeric_label_of_a_few_grades_can_be_classes_when_the_task_says_so()
    {
        string path = WriteCsv("x,grade\n1,3\n2,5\n3,4\n4,5\n5,3\n6,4\n");

        Assert.Equal(PredictionTask.Regression, TabularData.LoadCsv(new MLContext(), path, "grade").Task);
        var classes = TabularData.LoadCsv(new MLContext(), path, "grade", PredictionTask.MulticlassClassification);
        Assert.Equal(["3", "4", "5"], classes.Classes);
        Assert.False(classes.TaskInferred);
    }

    [Fact]
    public void Missing_numbers_are_replaced_and_flagged_text_is_featurized_and_identifiers_left_out()
    {
        string[] reviews = ["the room was lovely and quiet", "noisy street and a small bed", "lovely staff but a noisy bar",
            "quiet room with a view of the sea", "small and noisy but very cheap"];
        // 25 rows: the id differs in each; size is missing in rows 2 and 4 of every five.
        string path = WriteCsv("id,size,review,y\n" + string.Concat(Enumerable.Range(0, 25).Select(i =>
            $"a{i},{(i % 5 == 1 ? "NA" : i % 5 == 3 ? "" : (1 + i * 0.1).ToString(System.Globalization.CultureInfo.InvariantCulture))},{reviews[i % 5]},{i % 7}\n")));
        var ml = new MLContext(seed: 1);
        var data = TabularData.LoadCsv(ml, path, "y");

        var size = data.Features.Single(f => f.Name == "size");
        Assert.Equal((FeatureKind.Numeric, 10), (size.Kind, size.MissingCount));
        Assert.Equal(FeatureKind.Text, data.Features.Single(f => f.Name == "review").Kind);
        Assert.Equal("id", Assert.Single(data.Ignored).Name);
        Assert.Contains(data.DescribeFeaturization(), l => l.Contains("size: numeric, 10 missing → replaced by the mean and flagged in size_missing"));

        var featurized = data.Featurizer(ml).Fit(data.Data).Transform(data.Data);
        Assert.Equal(Enumerable.Range(0, 25).Select(i => i % 5 is 1 or 3 ? 1f : 0f), featurized.GetColumn<float>("size_missing"));
        Assert.All(featurized.GetColumn<float[]>(TabularData.FeatureColumnName), v => Assert.All(v, x => Assert.True(float.IsFinite(x))));
    }

    [Theory]
    [InlineData("x,y\n1,2\n2,3,4\n", "Line 3", "has 3 fields but the header names 2 columns")]
    [InlineData("x,x,y\n1,2,3\n", "names two columns 'x'", "rename one")]
    [InlineData("x,y\n", "has a header but no rows", "")]
    [InlineData("x,flag,y\n1,a,2\n1,a,3\n", "no usable feature column besides the label 'y'", "x: the same value ('1') in every row; flag: the same value ('a')")]
    [InlineData("x,y\n1,2\n2,-Infinity\n3,4\n", "not a finite number", "line 3")]
    [InlineData("x,y\n1,5\n2,5\n", "same value ('5') in every row", "nothing to predict")]
    public void Unusable_files_are_refused_with_a_message_naming_the_place(string csv, string part1, string part2)
    {
        var error = Assert.Throws<ComparisonInputException>(() => TabularData.LoadCsv(new MLContext(), WriteCsv(csv), "y"));

        Assert.Contains(part1, error.Message);
        Assert.Contains(part2, error.Message);
    }

    [Fact]
    public void Columns_without_information_are_left_out_and_said_so()
    {
        var data = TabularData.LoadCsv(new MLContext(), SampleProcess.Shipped("digits_8x8.csv"), "digit", PredictionTask.MulticlassClassification);

        // The digits' always-blank corner pixels.
        var blank = data.Ignored.Single(c => c.Name == "pixel_0_0");
        Assert.Equal("the same value ('0') in every row", blank.Reason);
        Assert.Equal(64, data.Features.Count + data.Ignored.Count);
        Assert.Contains(data.DescribeFeaturization(), l => l == "pixel_0_0: not used (the same value ('0') in every row)");

        var sparse = TabularData.LoadCsv(new MLContext(), WriteCsv("x,gone,rare,y\n1,,,2\n2,NA,7,3\n3,,,4\n"), "y");
        Assert.Equal("it has no values", sparse.Ignored.Single(c => c.Name == "gone").Reason);
        // Constant where present but sometimes missing: its missing flag may inform, so it stays.
        Assert.Equal(2, sparse.Features.Single(f => f.Name == "rare").MissingCount);
    }

    [Fact]
    public void An_ignored_column_that_does_not_exist_is_named()
    {
        var error = Assert.Throws<ComparisonInputException>(() =>
            TabularData.LoadCsv(new MLContext(), SampleProcess.Shipped("iris.csv"), "species", ignoreColumns: ["petal_colour"]));

        Assert.Contains("'petal_colour' to ignore is not in", error.Message);
    }
}
