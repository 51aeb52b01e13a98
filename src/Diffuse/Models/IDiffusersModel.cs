namespace Diffuse.Models;

/// <summary>
/// A network that saves as a diffusers model component: <c>config.json</c> (with <c>_class_name</c>) beside its
/// weights, listed in <c>model_index.json</c> as [library, class name].
/// </summary>
public interface IDiffusersModel
{
    /// <summary>The library <c>model_index.json</c> names for the class: "diffusers" for diffusers' own, "diffuse" for ours.</summary>
    string Library { get; }

    /// <summary>The config's <c>_class_name</c>.</summary>
    string ClassName { get; }

    void SaveConfig(string path);

    /// <summary>A few lines a person reads to know what the network is (for <c>diffuse info</c>).</summary>
    IReadOnlyList<(string Name, string Value)> Describe();
}
