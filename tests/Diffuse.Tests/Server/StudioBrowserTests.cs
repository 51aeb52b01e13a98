using System.Text.Json;
using Diffuse.Data;
using OpenQA.Selenium;
using OpenQA.Selenium.Chrome;
using OpenQA.Selenium.Interactions;
using OpenQA.Selenium.Support.UI;

namespace Diffuse.Tests.Server;

/// <summary>
/// The page in a real headless chromium against the real server: generate an image and see it arrive, paint a mask
/// over it and inpaint, and start and stop a training run. Screenshots go to DIFFUSE_SCREENSHOTS (docs/images when
/// the docs are remade) or to a temporary folder.
/// </summary>
[Collection(GlobalRngCollection.Name)]
public sealed class StudioBrowserTests(RealStudio studio) : IClassFixture<RealStudio>, IDisposable
{
    readonly TempFolder _profile = new();
    ChromeDriver? _browser;

    ChromeDriver Browser => _browser ??= HeadlessChromium.Start(_profile.Path);

    static string Screenshots => Directory.CreateDirectory(Environment.GetEnvironmentVariable("DIFFUSE_SCREENSHOTS") is { Length: > 0 } folder
        ? folder : Path.Combine(Path.GetTempPath(), "diffuse-studio-screenshots")).FullName;

    [Fact]
    public void The_page_generates_an_image_then_inpaints_a_painted_mask()
    {
        var browser = Browser;
        var wait = new WebDriverWait(browser, TimeSpan.FromSeconds(60));
        browser.Navigate().GoToUrl(studio.Address + "/");
        wait.Until(d => d.FindElement(By.Id("status")).Text == "ready");
        Choose("model", "fashion-mnist");
        Choose("class", "9");
        SetValue("steps", "25");
        SetValue("seed", "4");
        int galleryBefore = browser.FindElements(By.CssSelector("#gallery img.gallery-item")).Count;
        browser.FindElement(By.Id("generate-button")).Click();
        wait.Until(d => d.FindElements(By.CssSelector("#gallery img.gallery-item")).Count == galleryBefore + 1);
        var first = browser.FindElement(By.CssSelector("#gallery img.gallery-item"));
        wait.Until(_ => True(browser.ExecuteScript("return arguments[0].complete && arguments[0].naturalWidth === 28", first)));
        Assert.Contains("Class: 9", first.GetAttribute("title"));
        wait.Until(d => d.FindElement(By.Id("message")).Text.StartsWith("done"));
        browser.GetScreenshot().SaveAsFile(Path.Combine(Screenshots, "serve-generate.png"));

        // Edit the result: it becomes the start image; paint over its top half and inpaint.
        browser.FindElement(By.CssSelector("#gallery .item button.edit")).Click();
        wait.Until(_ => True(browser.ExecuteScript("return state.source !== null && state.source.width === 28")));
        var mask = browser.FindElement(By.Id("mask-canvas"));
        new Actions(browser).MoveToElement(mask, -110, -110).ClickAndHold().MoveByOffset(220, 0).MoveByOffset(0, 60)
            .MoveByOffset(-220, 0).MoveByOffset(0, 40).MoveByOffset(220, 0).Release().Perform();
        wait.Until(d => d.FindElement(By.Id("inpaint-button")).Enabled);
        browser.FindElement(By.Id("inpaint-button")).Click();
        wait.Until(d => d.FindElements(By.CssSelector("#gallery img.gallery-item")).Count == galleryBefore + 2);
        wait.Until(d => d.FindElement(By.Id("message")).Text.StartsWith("done"));
        browser.GetScreenshot().SaveAsFile(Path.Combine(Screenshots, "serve-inpaint.png"));

        // Dropping the first image's PNG on the page (a drop event carrying the file, as a file manager sends it)
        // puts its settings back into the form.
        SetValue("steps", "7");
        SetValue("seed", "0");
        Choose("class", "");
        var firstUrl = "/outputs/" + Path.GetFileName(Directory.GetFiles(studio.Folders.Outputs, "*.png")
            .First(f => PngText.Read(File.ReadAllBytes(f), "parameters")!.Contains("Model: fashion-mnist,")));
        browser.ExecuteAsyncScript("""
            const done = arguments[arguments.length - 1];
            fetch(arguments[0]).then(r => r.blob()).then(blob => {
              const transfer = new DataTransfer();
              transfer.items.add(new File([blob], "dropped.png", { type: "image/png" }));
              document.dispatchEvent(new DragEvent("drop", { dataTransfer: transfer, bubbles: true, cancelable: true }));
              done();
            });
            """, firstUrl);
        wait.Until(d => d.FindElement(By.Id("message")).Text == "settings restored from the PNG");
        Assert.Equal("25", browser.FindElement(By.Id("steps")).GetAttribute("value"));
        Assert.Equal("4", browser.FindElement(By.Id("seed")).GetAttribute("value"));
        Assert.Equal("9", browser.FindElement(By.Id("class")).GetAttribute("value"));

        // The inpainted image kept the unpainted bottom rows of the start image exactly and changed the painted top.
        var outputs = Directory.GetFiles(studio.Folders.Outputs, "*.png")
            .Where(f => PngText.Read(File.ReadAllBytes(f), "parameters")!.Contains("Model: fashion-mnist,")).ToList();
        Assert.Equal(2, outputs.Count);
        var inpainted = outputs.Single(f => PngText.Read(File.ReadAllBytes(f), "parameters")!.Contains("Mode: inpaint"));
        var start = outputs.Single(f => f != inpainted);
        using var before = ImageDecoder.Decode(start, 1);
        using var after = ImageDecoder.Decode(inpainted, 1);
        Assert.True(before.narrow(2, 20, 8).eq(after.narrow(2, 20, 8)).all().item<bool>(), "the unpainted rows changed");
        Assert.False(before.narrow(2, 0, 8).eq(after.narrow(2, 0, 8)).all().item<bool>(), "the painted rows were not regenerated");
    }

    [Fact]
    public void A_text_model_s_form_asks_for_a_prompt_and_a_size_and_generates()
    {
        var browser = Browser;
        var wait = new WebDriverWait(browser, TimeSpan.FromSeconds(60));
        browser.Navigate().GoToUrl(studio.Address + "/");
        wait.Until(d => d.FindElement(By.Id("status")).Text == "ready");
        Choose("model", "tiny-sd");
        Assert.True(browser.FindElement(By.Id("prompt")).Displayed);
        Assert.True(browser.FindElement(By.Id("width")).Displayed);
        Assert.False(browser.FindElement(By.Id("class")).Displayed);
        Assert.Equal("7.5", browser.FindElement(By.Id("guidance-scale")).GetAttribute("value"));
        SetValue("prompt", "a red cube on a table");
        SetValue("negative-prompt", "blurry");
        SetValue("width", "64");
        SetValue("height", "64");
        SetValue("steps", "4");
        SetValue("seed", "21");
        int before = browser.FindElements(By.CssSelector("#gallery img.gallery-item")).Count;
        browser.FindElement(By.Id("generate-button")).Click();
        wait.Until(d => d.FindElement(By.Id("message")).Text.StartsWith("done"));
        wait.Until(d => d.FindElements(By.CssSelector("#gallery img.gallery-item")).Count == before + 1);
        var newest = browser.FindElement(By.CssSelector("#gallery img.gallery-item"));
        wait.Until(_ => True(browser.ExecuteScript("return arguments[0].complete && arguments[0].naturalWidth === 64", newest)));
        Assert.StartsWith("a red cube on a table\nNegative prompt: blurry\nSteps: 4", newest.GetAttribute("title"));
        browser.GetScreenshot().SaveAsFile(Path.Combine(Screenshots, "serve-text.png"));
    }

    [Fact]
    public void The_training_monitor_starts_a_run_shows_its_loss_and_previews_and_stops_it()
    {
        var browser = Browser;
        var wait = new WebDriverWait(browser, TimeSpan.FromSeconds(120));
        browser.Navigate().GoToUrl(studio.Address + "/");
        wait.Until(d => d.FindElement(By.Id("status")).Text == "ready");
        browser.FindElement(By.Id("tab-training")).Click();
        SetValue("train-name", "page-run");
        Choose("train-preset", "tiny");
        SetValue("train-steps", "100000");
        SetValue("train-batch", "16");
        SetValue("train-sample-every", "15");
        SetValue("train-sample-count", "16");
        SetValue("train-sample-steps", "20");
        browser.FindElement(By.Id("train-button")).Click();
        // The first preview grid (step 15, DDIM 20 steps on 16 samples) appears, and the loss chart has records.
        wait.Until(_ => True(browser.ExecuteScript("const i = document.getElementById('run-preview'); return i.complete && i.naturalWidth > 0 && state.losses.length >= 30")));
        browser.GetScreenshot().SaveAsFile(Path.Combine(Screenshots, "serve-training.png"));
        browser.FindElement(By.Id("stop-button")).Click();
        wait.Until(d => d.FindElement(By.Id("run-note")).Text.Contains("checkpoint saved"));
        Assert.NotEmpty(Directory.GetDirectories(Path.Combine(studio.Folders.Runs, "page-run"), "checkpoint-*"));
    }

    static bool True(object? scriptResult) => scriptResult is true;

    /// <summary>Picks an option of a select as a user would (the page listens to its change event).</summary>
    void Choose(string id, string value)
    {
        var select = Browser.FindElement(By.Id(id));
        Browser.ExecuteScript("arguments[0].value = arguments[1]; arguments[0].dispatchEvent(new Event('change'));", select, value);
        Assert.Equal(value, select.GetAttribute("value"));
    }

    void SetValue(string id, string value)
    {
        var input = Browser.FindElement(By.Id(id));
        input.Clear();
        input.SendKeys(value);
    }

    public void Dispose()
    {
        _browser?.Quit();
        _profile.Dispose();
    }
}
