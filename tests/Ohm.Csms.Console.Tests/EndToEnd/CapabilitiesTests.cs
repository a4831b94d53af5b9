using Microsoft.Playwright;
using Ohm.Csms.Console.Tests.Support;
using Ohm.Csms.Tests.Support;
using Ohm.Ocpp;
using Ohm.Ocpp.Messages;
using Ohm.Ocpp.Rpc;
using static Microsoft.Playwright.Assertions;

namespace Ohm.Csms.Console.Tests.EndToEnd;

/// <summary>The capability pages against the real CSMS and a station on its OCPP connection.</summary>
[Collection(BrowserTests.Name)]
public sealed class CapabilitiesTests(Chromium chromium)
{
    /// <summary>
    /// A page logged in as the development administrator (any console page does it; the not-found page is the lightest).
    /// </summary>
    private async Task<IPage> DevelopmentAdministratorAsync(CsmsTestHost csms)
    {
        var page = await chromium.NewPageAsync();
        await page.GotoAsync(new Uri(csms.Api.BaseAddress!, "not-found").ToString());
        await Expect(page.GetByTestId("development-mode")).ToBeVisibleAsync();
        return page;
    }

    [Fact]
    public async Task A_display_message_set_from_the_page_is_accepted_by_the_station_listed_and_cleared()
    {
        await using var csms = await CsmsTestHost.StartAsync(TestDatabases.Sqlite, ("Api:AllowLoopbackWithoutKey", "true"), ("Csms:AcceptUnknown", "true"));
        var held = new Dictionary<int, MessageInfoType>();
        var handlers = new OcppHandlers()
            .On(OcppActions.SetDisplayMessage, (request, _, _) =>
            {
                lock (held)
                {
                    held[request.Message.Id] = request.Message;
                }

                return ValueTask.FromResult(new SetDisplayMessageResponse { Status = DisplayMessageStatusEnumType.Accepted });
            })
            .On(OcppActions.ClearDisplayMessage, (request, _, _) =>
            {
                lock (held)
                {
                    return ValueTask.FromResult(new ClearDisplayMessageResponse { Status = held.Remove(request.Id) ? ClearMessageStatusEnumType.Accepted : ClearMessageStatusEnumType.Unknown });
                }
            });
        await using var station = await csms.BootedStationAsync("CS1", handlers);
        var page = await DevelopmentAdministratorAsync(csms);
        await page.GotoAsync(new Uri(csms.Api.BaseAddress!, "display-messages?station=CS1").ToString());

        await Expect(page.GetByTestId("no-messages")).ToBeVisibleAsync();
        await page.GetByTestId("content").FillAsync("Free charging today");
        await page.GetByTestId("set").ClickAsync();

        await Expect(page.GetByTestId("result")).ToContainTextAsync("Accepted by CS1");
        await Expect(page.GetByTestId("message-content")).ToHaveTextAsync("Free charging today");
        lock (held)
        {
            Assert.Equal("Free charging today", Assert.Single(held.Values).Message.Content);
        }

        var id = (await page.GetByTestId("message-id").TextContentAsync())!.Trim();
        await page.GetByTestId($"clear-{id}").ClickAsync();

        await Expect(page.GetByTestId("result")).ToContainTextAsync($"Message {id}: Accepted");
        await Expect(page.GetByTestId("no-messages")).ToBeVisibleAsync();
    }

    [Fact]
    public async Task A_firmware_campaign_started_from_the_page_shows_each_stations_progress_as_it_reports()
    {
        await using var csms = await CsmsTestHost.StartAsync(TestDatabases.Sqlite, ("Api:AllowLoopbackWithoutKey", "true"), ("Csms:AcceptUnknown", "true"));
        var updates = new TaskCompletionSource<UpdateFirmwareRequest>(TaskCreationOptions.RunContinuationsAsynchronously);
        var handlers = new OcppHandlers().On(OcppActions.UpdateFirmware, (request, _, _) =>
        {
            updates.TrySetResult(request);
            return ValueTask.FromResult(new UpdateFirmwareResponse { Status = UpdateFirmwareStatusEnumType.Accepted });
        });
        await using var station = await csms.BootedStationAsync("CS1", handlers);
        var page = await DevelopmentAdministratorAsync(csms);
        await page.GotoAsync(new Uri(csms.Api.BaseAddress!, "firmware").ToString());

        await Expect(page.GetByTestId("no-campaigns")).ToBeVisibleAsync();
        await page.GetByTestId("fw-version").FillAsync("2.0.0");
        await page.GetByTestId("fw-location").FillAsync("https://firmware.example/ohm-2.0.0.bin");
        await page.GetByTestId("fw-stations").FillAsync("CS1");
        await page.GetByTestId("fw-start").ClickAsync();

        await Expect(page.GetByTestId("result")).ToContainTextAsync("started: 2.0.0 to 1 station(s)");
        var request = await updates.Task.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal("https://firmware.example/ohm-2.0.0.bin", request.Firmware.Location);
        await Expect(page.GetByTestId("campaign-state")).ToContainTextAsync("Running");

        await station.CallAsync(new FirmwareStatusNotificationRequest { Status = FirmwareStatusEnumType.Downloading, RequestId = request.RequestId });
        await Expect(page.GetByTestId("station-CS1").GetByTestId("station-status")).ToHaveTextAsync("Downloading");
        await station.CallAsync(new FirmwareStatusNotificationRequest { Status = FirmwareStatusEnumType.DownloadFailed, RequestId = request.RequestId });
        await Expect(page.GetByTestId("station-CS1").GetByTestId("station-state")).ToHaveTextAsync("Failed");
    }

    [Fact]
    public async Task A_log_requested_from_the_page_shows_the_stations_answer_and_its_upload_statuses()
    {
        await using var csms = await CsmsTestHost.StartAsync(TestDatabases.Sqlite, ("Api:AllowLoopbackWithoutKey", "true"), ("Csms:AcceptUnknown", "true"));
        var requests = new TaskCompletionSource<GetLogRequest>(TaskCreationOptions.RunContinuationsAsynchronously);
        var handlers = new OcppHandlers().On(OcppActions.GetLog, (request, _, _) =>
        {
            requests.TrySetResult(request);
            return ValueTask.FromResult(new GetLogResponse { Status = LogStatusEnumType.Accepted, Filename = "diagnostics.log" });
        });
        await using var station = await csms.BootedStationAsync("CS1", handlers);
        var page = await DevelopmentAdministratorAsync(csms);
        await page.GotoAsync(new Uri(csms.Api.BaseAddress!, "logs?station=CS1").ToString());

        await Expect(page.GetByTestId("no-log-requests")).ToBeVisibleAsync();
        await page.GetByTestId("log-request").ClickAsync();

        await Expect(page.GetByTestId("result")).ToContainTextAsync("GetLog Accepted, file diagnostics.log");
        var request = await requests.Task.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(LogEnumType.DiagnosticsLog, request.LogType);
        await Expect(page.GetByTestId("log-request-id")).ToHaveTextAsync(request.RequestId.ToString(System.Globalization.CultureInfo.InvariantCulture));
        await station.CallAsync(new LogStatusNotificationRequest { Status = UploadLogStatusEnumType.Uploading, RequestId = request.RequestId });
        await Expect(page.GetByTestId("log-status")).ToHaveTextAsync("Uploading");
        await station.CallAsync(new LogStatusNotificationRequest { Status = UploadLogStatusEnumType.UploadFailure, RequestId = request.RequestId });
        await Expect(page.GetByTestId("log-status")).ToHaveTextAsync("UploadFailure");
    }
}
