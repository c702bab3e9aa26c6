using System.Text;
using System.Text.RegularExpressions;

namespace Backprop.MLNet.Packaging.Tests;

/// <summary>
/// Every link in the repository's Markdown resolves inside the repository: the file exists and, for a link with a
/// #fragment, so does the heading. The README and docs/ link nowhere outside the repository.
/// </summary>
public sealed partial class MarkdownLinkTests
{
    [SkippableFact]
    public void Every_relative_link_and_heading_fragment_resolves()
    {
        string root = Repository.RequireRoot();
        var broken = new List<string>();
        var files = MarkdownFiles(root).ToArray();
        Assert.Contains(files, f => Path.GetFileName(f) == "README.md" && Path.GetDirectoryName(f) == root);

        foreach (string file in files)
        {
            string relative = Path.GetRelativePath(root, file).Replace('\\', '/');
            bool mustStayInside = relative == "README.md" || relative.StartsWith("docs/", StringComparison.Ordinal);
            foreach (string target in Links(File.ReadAllText(file)))
            {
                if (Scheme().IsMatch(target))
                {
                    if (mustStayInside)
                        broken.Add($"{relative}: {target} leads outside the repository");
                    continue;
                }
                string? problem = Resolve(root, file, target);
                if (problem is not null)
                    broken.Add($"{relative}: {target} — {problem}");
            }
        }
        Assert.True(broken.Count == 0, "Broken Markdown links:\n" + string.Join('\n', broken));
    }

    [Fact]
    public void Slugs_follow_GitHub()
    {
        Assert.Equal("accuracy-on-data-nobody-tuned-it-to", Slug("Accuracy on data nobody tuned it to"));
        Assert.Equal("the-mlnet-trainers-srcbackpropmlnet", Slug("The ML.NET trainers: `src/Backprop.MLNet`"));
        Assert.Equal("k1-float32-gemm", Slug("K1: float32 GEMM"));
        Assert.Equal(["a-b", "c"], Links("[x](a-b) `[y](not-a-link)` [z](c \"title\")\n```\n[w](in-code)\n```\n"));
    }

    private static string? Resolve(string root, string file, string target)
    {
        string path = target, fragment = "";
        int hash = target.IndexOf('#');
        if (hash >= 0)
            (path, fragment) = (target[..hash], target[(hash + 1)..]);
        string full = path.Length == 0 ? file : Path.GetFullPath(Path.Combine(Path.GetDirectoryName(file)!, Uri.UnescapeDataString(path)));
        if (!full.StartsWith(root, StringComparison.Ordinal))
            return "outside the repository";
        if (!File.Exists(full) && !Directory.Exists(full))
            return "no such file";
        if (fragment.Length > 0)
        {
            if (!full.EndsWith(".md", StringComparison.OrdinalIgnoreCase))
                return "a fragment into a file that is not Markdown";
            if (!Headings(File.ReadAllText(full)).Contains(fragment))
                return $"no heading #{fragment} in {Path.GetFileName(full)}";
        }
        return null;
    }

    private static IEnumerable<string> MarkdownFiles(string root)
    {
        var pending = new Stack<string>([root]);
        while (pending.Count > 0)
        {
            string dir = pending.Pop();
            foreach (string sub in Directory.GetDirectories(dir))
            {
                string name = Path.GetFileName(sub);
                if (!name.StartsWith('.') && name is not ("bin" or "obj" or "TestResults"))
                    pending.Push(sub);
            }
            foreach (string file in Directory.GetFiles(dir, "*.md"))
                yield return file;
        }
    }

    /// <summary>Link targets outside code: [text](target) and ![alt](target).</summary>
    internal static IReadOnlyList<string> Links(string markdown) =>
        [.. Link().Matches(WithoutCode(markdown)).Select(m => m.Groups["target"].Value)];

    /// <summary>The fragments GitHub gives the headings of a Markdown file (a repeated heading gets -1, -2, ...).</summary>
    private static HashSet<string> Headings(string markdown)
    {
        var slugs = new HashSet<string>(StringComparer.Ordinal);
        foreach (string line in FencedCode().Replace(markdown, "").Split('\n'))
        {
            var heading = Heading().Match(line);
            if (!heading.Success)
                continue;
            string slug = Slug(heading.Groups["text"].Value);
            string unique = slug;
            for (int n = 1; !slugs.Add(unique); n++)
                unique = $"{slug}-{n}";
        }
        return slugs;
    }

    /// <summary>GitHub's heading anchor: lower case, punctuation dropped (hyphens and underscores kept), spaces to hyphens.</summary>
    internal static string Slug(string heading)
    {
        var slug = new StringBuilder();
        foreach (char c in heading.Trim().ToLowerInvariant())
        {
            if (char.IsLetterOrDigit(c) || c is '-' or '_')
                slug.Append(c);
            else if (c == ' ')
                slug.Append('-');
        }
        return slug.ToString();
    }

    private static string WithoutCode(string markdown) => InlineCode().Replace(FencedCode().Replace(markdown, ""), "");

    [GeneratedRegex(@"!?\[[^\]]*\]\((?<target>[^)\s]+)(\s+""[^""]*"")?\)")]
    private static partial Regex Link();

    [GeneratedRegex(@"^```.*?^```", RegexOptions.Singleline | RegexOptions.Multiline)]
    private static partial Regex FencedCode();

    [GeneratedRegex(@"`[^`\n]*`")]
    private static partial Regex InlineCode();

    [GeneratedRegex(@"^#{1,6}\s+(?<text>.+?)\s*#*\s*$")]
    private static partial Regex Heading();

    [GeneratedRegex(@"^[a-zA-Z][a-zA-Z0-9+.-]*:")]
    private static partial Regex Scheme();
}
