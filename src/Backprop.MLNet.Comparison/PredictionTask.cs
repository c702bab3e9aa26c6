namespace Backprop.MLNet.Comparison;

/// <summary>What a comparison predicts, which fixes the label's type, the candidate trainers and the metrics.</summary>
public enum PredictionTask
{
    /// <summary>A number: R² (ranked), RMSE and MAE.</summary>
    Regression,

    /// <summary>One of two classes: AUC (ranked), accuracy, F1 and log-loss.</summary>
    BinaryClassification,

    /// <summary>One of several classes: macro accuracy (ranked), micro accuracy and log-loss.</summary>
    MulticlassClassification,
}
