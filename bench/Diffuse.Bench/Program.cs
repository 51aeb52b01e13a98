using System.Globalization;
using Diffuse.Bench;

// Usage: dotnet run -c Release --project bench/Diffuse.Bench -- sampling-overhead [batch] [steps] [repeats]
//        dotnet run -c Release --project bench/Diffuse.Bench -- unet-speed
//        dotnet run -c Release --project bench/Diffuse.Bench -- inversion MODEL_DIR IMAGES_IDX [first] [count] [png-folder|-] [steps,...] [cases,...]
//        dotnet run -c Release --project bench/Diffuse.Bench -- inversion MODEL_DIR IMAGES_IDX [first] [count] [png-folder|-] [steps,...] [cases,...]
var mode = args.Length > 0 ? args[0] : "sampling-overhead";
TorchSharp.torch.set_num_threads(Environment.ProcessorCount);
if (mode == "unet-speed")
{
    var speeds = new List<UNetSpeed.Row>
    {
        UNetSpeed.Measure("tiny (32,64) x1 (= case tiny-gray)", UNetSpeed.Config([32, 64], 1, attention: true)),
        UNetSpeed.Measure("tiny (32,64) x1, add_attention=False", UNetSpeed.Config([32, 64], 1, attention: false)),
        UNetSpeed.Measure("small (64,128,128) x2", UNetSpeed.Config([64, 128, 128], 2, attention: true)),
        UNetSpeed.Measure("small (64,128,128) x2, add_attention=False", UNetSpeed.Config([64, 128, 128], 2, attention: false)),
        UNetSpeed.Measure("diffuse default preset, 1x28x28", UNetSpeed.Config([32, 64, 64], 1, attention: false, size: 28)),
    };
    Console.WriteLine("UNet speed, batch 64, median of 10 after 3 warm-ups (../shared/perf/pytorch-cpu.md's method)");
    Console.WriteLine($"{"model",-45} {"params",10} {"train ms",9} {"fwd ms",8} {"train img/s",11} {"fwd img/s",9}");
    foreach (var r in speeds)
        Console.WriteLine($"{r.Model,-45} {r.Parameters,10:N0} {r.TrainStepMs,9:F0} {r.ForwardMs,8:F0} {r.TrainImagesPerSecond,11:F1} {r.ForwardImagesPerSecond,9:F1}");
    var speedFile = Path.Combine("bench", "results", "unet-speed.json");
    UNetSpeed.Write(speeds, speedFile);
    Console.WriteLine($"wrote {speedFile}");
    return 0;
}
if (mode == "guidance-accuracy")
{
    // guidance-accuracy MODEL_DIR CLASSIFIER_DIR [per-class] [steps]
    if (args.Length < 3) { Console.Error.WriteLine("error: guidance-accuracy needs MODEL_DIR CLASSIFIER_DIR"); return 1; }
    int perClass = args.Length > 3 ? int.Parse(args[3], CultureInfo.InvariantCulture) : 20;
    int guidedSteps = args.Length > 4 ? int.Parse(args[4], CultureInfo.InvariantCulture) : 50;
    var accuracy = GuidanceAccuracy.Run(args[1], args[2], [0, 1, 3], perClass, guidedSteps);
    Console.WriteLine($"class accuracy of guided samples (DDIM {guidedSteps} steps, {perClass} per class, classifier {args[2]})");
    foreach (var r in accuracy) Console.WriteLine($"w = {r.Weight,3:F1}: {r.Accuracy:P1} of {r.Samples}");
    var accuracyFile = Path.Combine("bench", "results", "guidance-accuracy.json");
    GuidanceAccuracy.Write(accuracy, accuracyFile);
    Console.WriteLine($"wrote {accuracyFile}");
    return 0;
}
if (mode == "inversion")
{
    // inversion MODEL_DIR IMAGES_IDX [first] [count] [png-folder|-] [steps,...] [case,...] (cases: see InversionReconstruction)
    if (args.Length < 3) { Console.Error.WriteLine("error: inversion needs MODEL_DIR IMAGES_IDX"); return 1; }
    int first = args.Length > 3 ? int.Parse(args[3], CultureInfo.InvariantCulture) : 0;
    int count = args.Length > 4 ? int.Parse(args[4], CultureInfo.InvariantCulture) : 32;
    string? pngFolder = args.Length > 5 && args[5] != "-" ? args[5] : null;
    int[] stepCounts = args.Length > 6 ? args[6].Split(',').Select(x => int.Parse(x, CultureInfo.InvariantCulture)).ToArray() : [10, 50, 200];
    string[] cases = args.Length > 7 ? args[7].Split(',') : InversionReconstruction.DefaultCases;
    var measured = InversionReconstruction.Run(args[1], args[2], first, count, stepCounts, pngFolder, cases);
    var inversionFile = Path.Combine("bench", "results", "inversion.json");
    var all = InversionReconstruction.Write(measured, inversionFile);
    Console.WriteLine("all images measured so far:");
    foreach (var r in all.Summary)
        Console.WriteLine(FormattableString.Invariant(
            $"{r.Case,-22} {r.Steps,4} steps, {r.Images,3} images: RMSE {r.MeanRmse,6:F2}  PSNR mean {r.MeanPsnr,5:F1} median {r.MedianPsnr,5:F1} dB  max {r.WorstMaxAbs,5:F1}  noise mean {r.NoiseMean,6:F3} std {r.NoiseStd,5:F3}"));
    Console.WriteLine($"wrote {inversionFile}");
    return 0;
}
if (mode != "sampling-overhead")
{
    Console.Error.WriteLine($"error: unknown benchmark '{mode}' (expected sampling-overhead, unet-speed, guidance-accuracy or inversion)");
    return 1;
}
int batch = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 64;
int steps = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 20;
int repeats = args.Length > 3 ? int.Parse(args[3], CultureInfo.InvariantCulture) : 5;
var rows = SamplingOverhead.Run(batch, steps, repeats);
Console.WriteLine($"sampling overhead, default preset, batch {batch}, {steps} steps, median of {repeats} runs");
Console.WriteLine($"{"sampler",-8} {"calls",5} {"total ms",10} {"model ms",10} {"outside ms",10} {"outside %",9}");
foreach (var r in rows)
    Console.WriteLine($"{r.Sampler,-8} {r.ModelCalls,5} {r.TotalMs,10:F1} {r.ModelMs,10:F1} {r.OverheadMs,10:F2} {r.OverheadPercent,9:F2}");
var output = Path.Combine("bench", "results", "sampling-overhead.json");
SamplingOverhead.Write(rows, output);
Console.WriteLine($"wrote {output}");
return 0;
