namespace Backprop;

/// <summary>Weighted evaluation metrics on predictions.</summary>
internal static class Metrics
{
    /// <summary>1 − Σw(y − ŷ)² / Σw(y − ȳ)²; 0 when the targets are constant.</summary>
    public static double RSquared(ReadOnlySpan<float> predictions, ReadOnlySpan<float> targets, ReadOnlySpan<float> weights)
    {
        double weightSum = 0, mean = 0;
        for (int i = 0; i < targets.Length; i++)
        {
            double w = weights.IsEmpty ? 1 : weights[i];
            weightSum += w;
            mean += w * targets[i];
        }
        mean /= weightSum;
        double residual = 0, total = 0;
        for (int i = 0; i < targets.Length; i++)
        {
            double w = weights.IsEmpty ? 1 : weights[i];
            residual += w * Math.Pow(targets[i] - predictions[i], 2);
            total += w * Math.Pow(targets[i] - mean, 2);
        }
        return total > 0 ? 1 - residual / total : 0;
    }

    /// <summary>The weighted fraction of rows whose predicted class (sign of a single output, or arg-max) is the target's.</summary>
    public static double Accuracy(ReadOnlySpan<float> outputs, ReadOnlySpan<float> targets, ReadOnlySpan<float> weights, int width)
    {
        double correct = 0, total = 0;
        for (int i = 0; i < targets.Length; i++)
        {
            double w = weights.IsEmpty ? 1 : weights[i];
            int predicted = width == 1 ? (outputs[i] > 0f ? 1 : 0) : ArgMax(outputs.Slice(i * width, width));
            int actual = width == 1 ? (targets[i] >= 0.5f ? 1 : 0) : (int)targets[i];
            total += w;
            if (predicted == actual)
                correct += w;
        }
        return correct / total;
    }

    /// <summary>The weighted area under the ROC curve of scores against 0/1 targets, ties counted as half; 0.5 with one class.</summary>
    public static double Auc(ReadOnlySpan<float> scores, ReadOnlySpan<float> targets, ReadOnlySpan<float> weights)
    {
        int n = targets.Length;
        var order = new int[n];
        for (int i = 0; i < n; i++)
            order[i] = i;
        float[] keys = scores[..n].ToArray();
        Array.Sort(keys, order);

        double positives = 0, negatives = 0, area = 0;
        for (int start = 0; start < n;)
        {
            int end = start;
            double tiePositives = 0, tieNegatives = 0;
            while (end < n && keys[end] == keys[start])
            {
                int i = order[end++];
                double w = weights.IsEmpty ? 1 : weights[i];
                if (targets[i] >= 0.5f)
                    tiePositives += w;
                else
                    tieNegatives += w;
            }
            // Positives in this group outrank every negative seen so far, and half of the tied ones.
            area += tiePositives * (negatives + 0.5 * tieNegatives);
            positives += tiePositives;
            negatives += tieNegatives;
            start = end;
        }
        return positives > 0 && negatives > 0 ? area / (positives * negatives) : 0.5;
    }

    public static int ArgMax(ReadOnlySpan<float> values)
    {
        int best = 0;
        for (int j = 1; j < values.Length; j++)
            if (values[j] > values[best])
                best = j;
        return best;
    }
}
