using System.Globalization;
using Diffuse.Bench;

// Usage: dotnet run -c Release --project bench/Diffuse.Bench -- sampling-overhead [batch] [steps] [repeats]
var mode = args.Length > 0 ? args[0] : "sampling-overhead";
if (mode != "sampling-overhead")
{
    Console.Error.WriteLine($"error: unknown benchmark '{mode}' (expected sampling-overhead)");
    return 1;
}
int batch = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 64;
int steps = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 20;
int repeats = args.Length > 3 ? int.Parse(args[3], CultureInfo.InvariantCulture) : 5;
TorchSharp.torch.set_num_threads(Environment.ProcessorCount);
var rows = SamplingOverhead.Run(batch, steps, repeats);
Console.WriteLine($"sampling overhead, default preset, batch {batch}, {steps} steps, median of {repeats} runs");
Console.WriteLine($"{"sampler",-8} {"calls",5} {"total ms",10} {"model ms",10} {"outside ms",10} {"outside %",9}");
foreach (var r in rows)
    Console.WriteLine($"{r.Sampler,-8} {r.ModelCalls,5} {r.TotalMs,10:F1} {r.ModelMs,10:F1} {r.OverheadMs,10:F2} {r.OverheadPercent,9:F2}");
var output = Path.Combine("bench", "results", "sampling-overhead.json");
SamplingOverhead.Write(rows, output);
Console.WriteLine($"wrote {output}");
return 0;
