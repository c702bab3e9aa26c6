namespace Backprop.MLNet.Internal;

/// <summary>Which layout a Backprop model entry was saved in, from the version ML.NET's header records.</summary>
internal enum SavedLayout
{
    /// <summary>One network, then the feature standardisation (no kind): the first release.</summary>
    Initial,

    /// <summary>Adds the scaling's smooth-clip flag and the ensemble's further networks.</summary>
    WithScalingKindAndEnsemble,

    /// <summary>Everything in one block under a length and a SHA-256 (<see cref="CheckedModelBlock"/>), task data included.</summary>
    Checked,
}

/// <summary>Maps the version ML.NET's header records for a task's model to the <see cref="SavedLayout"/> it was written in.</summary>
internal static class SavedLayouts
{
    /// <param name="written">The version the file was written with.</param>
    /// <param name="withEnsemble">The task's first version with the scaling kind and the ensemble.</param>
    /// <param name="withChecksum">The task's first version with the checked block.</param>
    public static SavedLayout For(uint written, uint withEnsemble, uint withChecksum) =>
        written >= withChecksum ? SavedLayout.Checked
        : written >= withEnsemble ? SavedLayout.WithScalingKindAndEnsemble
        : SavedLayout.Initial;
}
