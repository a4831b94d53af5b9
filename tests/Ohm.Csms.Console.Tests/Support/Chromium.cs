using Microsoft.Playwright;

namespace Ohm.Csms.Console.Tests.Support;

/// <summary>
/// One headless Chromium for the whole run, driven by Playwright. Playwright cannot download its own browser here, so it
/// drives Debian's <c>chromium</c> package (<c>.ci/run</c> installs it when missing); OHM_TEST_CHROMIUM names another executable.
/// </summary>
public sealed class Chromium : IAsyncLifetime
{
    public static string ExecutablePath => Environment.GetEnvironmentVariable("OHM_TEST_CHROMIUM") ?? "/usr/bin/chromium";

    private IPlaywright? _playwright;

    public IBrowser Browser { get; private set; } = default!;

    public async Task InitializeAsync()
    {
        if (!File.Exists(ExecutablePath))
        {
            throw new InvalidOperationException($"No Chromium at {ExecutablePath}: install Debian's chromium package (apt-get install chromium), or set OHM_TEST_CHROMIUM.");
        }

        // Expect(...) waits 5 s by default; a page's first interactive render can take longer on a loaded 2-core CI machine.
        Assertions.SetDefaultExpectTimeout(20_000);
        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ExecutablePath,
            Headless = true,
            Args = ["--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu"],
        });
    }

    /// <summary>A fresh browser context (its own cookies) with one page, at a laptop's width unless told otherwise.</summary>
    public async Task<IPage> NewPageAsync(int width = 1366, int height = 900)
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions { ViewportSize = new ViewportSize { Width = width, Height = height } });
        context.SetDefaultTimeout(20_000);
        return await context.NewPageAsync();
    }

    public async Task DisposeAsync()
    {
        if (Browser is not null)
        {
            await Browser.DisposeAsync();
        }

        _playwright?.Dispose();
    }
}

/// <summary>The test classes that share the one <see cref="Chromium"/>.</summary>
[CollectionDefinition(Name)]
public sealed class BrowserTests : ICollectionFixture<Chromium>
{
    public const string Name = "browser";
}
