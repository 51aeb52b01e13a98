using Diffuse.Schedules;
using TorchSharp;

namespace Diffuse.Folders;

/// <summary>What a pipeline folder holds, read and checked: its index (null for a bare model folder without one), the network, the scheduler config.</summary>
public sealed record PipelineFolderContents(string Folder, ModelIndex? Index, torch.nn.Module Network, SchedulerConfig Scheduler);
