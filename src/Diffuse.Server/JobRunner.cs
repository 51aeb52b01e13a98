using System.Diagnostics;
using Diffuse.Data;
using Diffuse.Pipelines;
using TorchSharp;
using static TorchSharp.torch;

namespace Diffuse.Server;

/// <summary>
/// Runs one job through the library's front door: <see cref="DiffusionPipeline.Generate"/>, or with an image
/// <see cref="DiffusionPipeline.ImageToImage"/> (<see cref="SuperResolutionPipeline.Upscale"/> for a
/// super-resolution model), or with a mask <see cref="DiffusionPipeline.Inpaint"/>. Every step reports progress and,
/// a few times a second, the predicted clean image x̂₀ as a preview. The images go to the gallery, each with its
/// settings, and the answer is the image (a grid for several). Failures end the job, never the worker.
/// </summary>
public sealed class JobRunner(ModelCatalog catalog, OutputGallery gallery, ILogger<JobRunner> logger)
{
    static readonly TimeSpan PreviewEvery = TimeSpan.FromMilliseconds(200);

    public void Run(GenerationJob job)
    {
        if (job.Cancel.IsCancellationRequested) { job.Cancelled(); return; }
        job.Started();
        var clock = Stopwatch.StartNew();
        try
        {
            var (pipeline, info) = catalog.Get(job.Model);
            using var scope = NewDisposeScope();
            var (images, mode, options) = Execute(pipeline, info, job);
            using var owned = images;
            var parameters = GenerationParameters.Format(job.Model, info, options, mode, mode == "img2img" ? job.Request.Strength ?? GenerateRequest.DefaultStrength : null, null);
            var files = new List<string>();
            for (int i = 0; i < images.shape[0]; i++)
            {
                using var one = images.narrow(0, i, 1);
                files.Add(gallery.Save(job.Id, i, PngText.With(ImageGrid.EncodePng(one, columns: 1, padding: 0), GenerationParameters.Keyword, parameters)));
            }
            var answer = images.shape[0] == 1
                ? File.ReadAllBytes(Path.Combine(gallery.Folder, files[0]))
                : PngText.With(ImageGrid.EncodePng(images), GenerationParameters.Keyword, parameters);
            job.Finish(answer, files, parameters, clock.Elapsed.TotalSeconds);
        }
        catch (OperationCanceledException) { job.Cancelled(); }
        catch (ApiError e) { job.Fail(e); }
        catch (DiffuseArgumentException e) { job.Fail(ApiError.BadRequest($"{e.ParameterName} {e.Problem}", e.ParameterName)); }
        catch (DiffuseException e) { job.Fail(ApiError.BadRequest(e.Message.ReplaceLineEndings(" "))); }
        catch (Exception e)
        {
            // Anything else is a fault of ours or of the model: logged here with its stack, answered without it.
            logger.LogError(e, "job {Id} on model {Model} failed", job.Id, job.Model);
            job.Fail(new ApiError(StatusCodes.Status500InternalServerError, $"the generation failed ({e.GetType().Name}); the server's log has the details"));
        }
    }

    (Tensor Images, string Mode, GenerationOptions Options) Execute(DiffusionPipeline pipeline, ModelInfo info, GenerationJob job)
    {
        var request = job.Request;
        var token = job.Cancel.Token;
        var preview = new Stopwatch();
        void OnStep(DenoisingStep step)
        {
            bool last = step.Index + 1 == step.Count;
            byte[]? png = null;
            if ((last || !preview.IsRunning || preview.Elapsed >= PreviewEvery) && IsImage(step.PredictedOriginal, info))
            {
                png = ImageGrid.EncodePng(step.PredictedOriginal, padding: 0);
                preview.Restart();
            }
            job.Progress(step.Index + 1, step.Count, png);
        }

        bool editing = request.Image is not null;
        var options = request.ToOptions(info, job.Seed, editing);
        if (!editing)
        {
            var result = pipeline.Generate(options, OnStep, token);
            result.Latents?.Dispose();
            return (result.Samples, "txt2img", options);
        }

        int count = request.Count ?? 1;
        var image = DecodeImage(request.Image!, "image", info, request);
        if (pipeline is SuperResolutionPipeline superResolution)
            return (superResolution.Upscale(image.repeat(count, 1, 1, 1), options, onStep: OnStep, cancellationToken: token), "upscale", options);
        if (!info.Edits) throw ApiError.BadRequest($"model '{job.Model}' does not edit images", "image");
        var batch = image.repeat(count, 1, 1, 1);
        if (request.Mask is null)
            return (pipeline.ImageToImage(batch, request.Strength ?? GenerateRequest.DefaultStrength, options, OnStep, token), "img2img", options);
        var mask = DecodeMask(request.Mask, batch);
        return (pipeline.Inpaint(batch, mask, options, onStep: OnStep, cancellationToken: token), "inpaint", options);
    }

    /// <summary>x̂₀ is shown when it is an image of the output's size (a latent model's x̂₀ is latents, not shown).</summary>
    static bool IsImage(Tensor x, ModelInfo info) =>
        x.dim() == 4 && x.shape[1] is 1 or 3 && x.shape[1] == info.Channels && x.shape[2] == info.Height && x.shape[3] == info.Width;

    /// <summary>An uploaded image in [−1, 1], brought to the size the model takes (its input size, or its image size).</summary>
    static Tensor DecodeImage(string encoded, string field, ModelInfo info, GenerateRequest request)
    {
        var image = ImageDecoder.Decode(Base64Png(encoded, field), info.Channels, field);
        long height = info.InputSize ?? request.Height ?? (info.TakesImageSize ? image.shape[2] / 8 * 8 : info.Height);
        long width = info.InputSize ?? request.Width ?? (info.TakesImageSize ? image.shape[3] / 8 * 8 : info.Width);
        if (height <= 0 || width <= 0) throw ApiError.BadRequest($"{field} is too small ({image.shape[3]}×{image.shape[2]})", field);
        if (image.shape[2] == height && image.shape[3] == width) return image;
        return nn.functional.interpolate(image, size: [height, width], mode: InterpolationMode.Bilinear, align_corners: false).clamp(-1, 1);
    }

    /// <summary>The mask at the image's size: 1 (white) keeps a pixel, 0 (black) generates it.</summary>
    static Tensor DecodeMask(string encoded, Tensor image)
    {
        var grey = ImageDecoder.Decode(Base64Png(encoded, "mask"), 1, "mask");
        var resized = nn.functional.interpolate(grey, size: [image.shape[2], image.shape[3]], mode: InterpolationMode.Nearest);
        return resized.ge(0).to(float32);
    }

    static byte[] Base64Png(string encoded, string field)
    {
        int comma = encoded.StartsWith("data:", StringComparison.Ordinal) ? encoded.IndexOf(',') : -1;
        try { return Convert.FromBase64String(encoded[(comma + 1)..]); }
        catch (FormatException) { throw ApiError.BadRequest($"{field} is not base64 (send a PNG as base64 or a data: URL)", field); }
    }
}
