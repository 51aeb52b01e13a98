namespace Diffuse.Tests.Server;

/// <summary>The studio with a text model beside the image models: a copy of the tiny random Stable Diffusion folder of ../shared/interop.</summary>
public sealed class TextStudioFixture() : StudioFixture(queueLimit: 4, withTextModel: true);
