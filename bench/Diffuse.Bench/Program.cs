using System.Globalization;
using Diffuse.Bench;

// Usage: dotnet run -c Release --project bench/Diffuse.Bench -- sampling-overhead [batch] [steps] [repeats]
//        dotnet run -c Release --project bench/Diffuse.Bench -- unet-speed
//        dotnet run -c Release --project bench/Diffuse.Bench -- inversion MODEL_DIR IMAGES_IDX [count] [png-folder]
//        dotnet run -c Release --project bench/Diffuse.Bench -- inversion MODEL_DIR IMAGES_IDX [count] [png-folder]
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
    var accuracy = GuidanceAccuracy.Run(args[1], args[2], [0, 1, 3], perClass, guidedSteps)
        .Concat(GuidanceAccuracy.Run(args[1], args[2], [0, 1, 3], perClass, guidedSteps, clippedModelOutput: true)).ToList();
    Console.WriteLine($"class accuracy of guided samples ({perClass} per class, classifier {args[2]})");
    foreach (var r in accuracy) Console.WriteLine($"{r.Sampler,-22} w = {r.Weight,3:F1}: {r.Accuracy:P1} of {r.Samples}");
    var accuracyFile = Path.Combine("bench", "results", "guidance-accuracy.json");
    GuidanceAccuracy.Write(accuracy, accuracyFile);
    Console.WriteLine($"wrote {accuracyFile}");
    return 0;
}
if (mode == "inpainting-quality")
{
    // inpainting-quality MODEL_DIR CLASSIFIER_DIR DATA [count] [steps] [jump] [resample]
    if (args.Length < 4) { Console.Error.WriteLine("error: inpainting-quality needs MODEL_DIR CLASSIFIER_DIR DATA"); return 1; }
    int count = args.Length > 4 ? int.Parse(args[4], CultureInfo.InvariantCulture) : 200;
    int ddpmSteps = args.Length > 5 ? int.Parse(args[5], CultureInfo.InvariantCulture) : 100;
    int jump = args.Length > 6 ? int.Parse(args[6], CultureInfo.InvariantCulture) : 10;
    int resample = args.Length > 7 ? int.Parse(args[7], CultureInfo.InvariantCulture) : 5;
    var inpainting = InpaintingQuality.Run(args[1], args[2], args[3], count, ddpmSteps, jump, resample);
    Console.WriteLine($"masked-half test (bottom half generated), {count} images, Fréchet distance in classifier features vs {count} other real images");
    Console.WriteLine($"{"method",-18} {"steps",5} {"jump",4} {"r",3} {"NFE",5} {"FD",8} {"seconds",8}");
    foreach (var r in inpainting)
        Console.WriteLine($"{r.Method,-18} {r.Steps,5} {r.Jump,4} {r.Resample,3} {r.NetworkEvaluations,5} {r.FrechetDistance,8:F2} {r.Seconds,8:F0}");
    var inpaintingFile = Path.Combine("bench", "results", "inpainting-quality.json");
    InpaintingQuality.Write(inpainting, inpaintingFile);
    Console.WriteLine($"wrote {inpaintingFile}");
    return 0;
}
if (mode == "inversion")
{
    // inversion MODEL_DIR IMAGES_IDX [count] [png-folder]
    if (args.Length < 3) { Console.Error.WriteLine("error: inversion needs MODEL_DIR IMAGES_IDX"); return 1; }
    int count = args.Length > 3 ? int.Parse(args[3], CultureInfo.InvariantCulture) : 32;
    var inversion = InversionReconstruction.Run(args[1], args[2], count, [10, 50, 200], args.Length > 4 ? args[4] : null);
    var inversionFile = Path.Combine("bench", "results", "inversion.json");
    InversionReconstruction.Write(inversion, inversionFile);
    Console.WriteLine($"wrote {inversionFile}");
    return 0;
}
if (mode != "sampling-overhead")
{
    Console.Error.WriteLine($"error: unknown benchmark '{mode}' (expected sampling-overhead, unet-speed, guidance-accuracy, inpainting-quality or inversion)");
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
