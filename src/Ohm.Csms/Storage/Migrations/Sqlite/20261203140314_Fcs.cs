using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Ohm.Csms.Storage.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class Fcs : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "FileTokens",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    TokenHash = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    Purpose = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    FileId = table.Column<long>(type: "INTEGER", nullable: true),
                    StationId = table.Column<string>(type: "TEXT", maxLength: 48, nullable: true),
                    Kind = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    FileName = table.Column<string>(type: "TEXT", maxLength: 255, nullable: true),
                    CreatedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    ExpiresAt = table.Column<long>(type: "INTEGER", nullable: false),
                    UsedAt = table.Column<long>(type: "INTEGER", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_FileTokens", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "Files",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    Name = table.Column<string>(type: "TEXT", maxLength: 255, nullable: false),
                    Kind = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    ContentType = table.Column<string>(type: "TEXT", maxLength: 128, nullable: false),
                    Length = table.Column<long>(type: "INTEGER", nullable: false),
                    Sha256 = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    StoreKey = table.Column<string>(type: "TEXT", maxLength: 512, nullable: false),
                    StationId = table.Column<string>(type: "TEXT", maxLength: 48, nullable: true),
                    CreatedAt = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Files", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "Firmware",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    Version = table.Column<string>(type: "TEXT", maxLength: 50, nullable: false),
                    FileId = table.Column<long>(type: "INTEGER", nullable: true),
                    Location = table.Column<string>(type: "TEXT", maxLength: 512, nullable: true),
                    SigningCertificate = table.Column<string>(type: "TEXT", maxLength: 5500, nullable: true),
                    Signature = table.Column<string>(type: "TEXT", maxLength: 800, nullable: true),
                    CreatedAt = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Firmware", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "FirmwareCampaigns",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    Name = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    FirmwareId = table.Column<long>(type: "INTEGER", nullable: false),
                    MaxConcurrent = table.Column<int>(type: "INTEGER", nullable: false),
                    MaxFailurePercent = table.Column<int>(type: "INTEGER", nullable: false),
                    State = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    RetrieveDateTime = table.Column<long>(type: "INTEGER", nullable: true),
                    InstallDateTime = table.Column<long>(type: "INTEGER", nullable: true),
                    Retries = table.Column<int>(type: "INTEGER", nullable: true),
                    RetryInterval = table.Column<int>(type: "INTEGER", nullable: true),
                    StopReason = table.Column<string>(type: "TEXT", maxLength: 255, nullable: true),
                    CreatedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    FinishedAt = table.Column<long>(type: "INTEGER", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_FirmwareCampaigns", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "FirmwareStatuses",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    StationId = table.Column<string>(type: "TEXT", maxLength: 48, nullable: false),
                    RequestId = table.Column<int>(type: "INTEGER", nullable: true),
                    FirmwareUpdateId = table.Column<long>(type: "INTEGER", nullable: true),
                    Status = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    ReceivedAt = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_FirmwareStatuses", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "FirmwareUpdates",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    StationId = table.Column<string>(type: "TEXT", maxLength: 48, nullable: false),
                    FirmwareId = table.Column<long>(type: "INTEGER", nullable: false),
                    CampaignId = table.Column<long>(type: "INTEGER", nullable: true),
                    State = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    ResponseStatus = table.Column<string>(type: "TEXT", maxLength: 32, nullable: true),
                    Status = table.Column<string>(type: "TEXT", maxLength: 32, nullable: true),
                    FailureReason = table.Column<string>(type: "TEXT", maxLength: 255, nullable: true),
                    RetrieveDateTime = table.Column<long>(type: "INTEGER", nullable: true),
                    InstallDateTime = table.Column<long>(type: "INTEGER", nullable: true),
                    Retries = table.Column<int>(type: "INTEGER", nullable: true),
                    RetryInterval = table.Column<int>(type: "INTEGER", nullable: true),
                    TokenId = table.Column<long>(type: "INTEGER", nullable: true),
                    BootedVersion = table.Column<string>(type: "TEXT", maxLength: 50, nullable: true),
                    NextAttemptAt = table.Column<long>(type: "INTEGER", nullable: true),
                    CreatedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    SentAt = table.Column<long>(type: "INTEGER", nullable: true),
                    FinishedAt = table.Column<long>(type: "INTEGER", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_FirmwareUpdates", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "LogRequests",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    StationId = table.Column<string>(type: "TEXT", maxLength: 48, nullable: false),
                    LogType = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    OldestTimestamp = table.Column<long>(type: "INTEGER", nullable: true),
                    LatestTimestamp = table.Column<long>(type: "INTEGER", nullable: true),
                    Retries = table.Column<int>(type: "INTEGER", nullable: true),
                    RetryInterval = table.Column<int>(type: "INTEGER", nullable: true),
                    RemoteLocation = table.Column<string>(type: "TEXT", maxLength: 512, nullable: false),
                    TokenId = table.Column<long>(type: "INTEGER", nullable: false),
                    ResponseStatus = table.Column<string>(type: "TEXT", maxLength: 32, nullable: true),
                    Filename = table.Column<string>(type: "TEXT", maxLength: 255, nullable: true),
                    Status = table.Column<string>(type: "TEXT", maxLength: 32, nullable: true),
                    RequestedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    UpdatedAt = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_LogRequests", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "LogStatuses",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    StationId = table.Column<string>(type: "TEXT", maxLength: 48, nullable: false),
                    RequestId = table.Column<int>(type: "INTEGER", nullable: true),
                    LogRequestId = table.Column<long>(type: "INTEGER", nullable: true),
                    Status = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    ReasonCode = table.Column<string>(type: "TEXT", maxLength: 20, nullable: true),
                    ReceivedAt = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_LogStatuses", x => x.Id);
                });

            migrationBuilder.CreateIndex(
                name: "IX_FileTokens_FileId",
                table: "FileTokens",
                column: "FileId");

            migrationBuilder.CreateIndex(
                name: "IX_FileTokens_TokenHash",
                table: "FileTokens",
                column: "TokenHash",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_Files_CreatedAt",
                table: "Files",
                column: "CreatedAt");

            migrationBuilder.CreateIndex(
                name: "IX_FirmwareStatuses_FirmwareUpdateId",
                table: "FirmwareStatuses",
                column: "FirmwareUpdateId");

            migrationBuilder.CreateIndex(
                name: "IX_FirmwareStatuses_StationId_Id",
                table: "FirmwareStatuses",
                columns: new[] { "StationId", "Id" });

            migrationBuilder.CreateIndex(
                name: "IX_FirmwareUpdates_CampaignId_State",
                table: "FirmwareUpdates",
                columns: new[] { "CampaignId", "State" });

            migrationBuilder.CreateIndex(
                name: "IX_FirmwareUpdates_StationId_Id",
                table: "FirmwareUpdates",
                columns: new[] { "StationId", "Id" });

            migrationBuilder.CreateIndex(
                name: "IX_LogRequests_StationId_Id",
                table: "LogRequests",
                columns: new[] { "StationId", "Id" });

            migrationBuilder.CreateIndex(
                name: "IX_LogStatuses_LogRequestId",
                table: "LogStatuses",
                column: "LogRequestId");

            migrationBuilder.CreateIndex(
                name: "IX_LogStatuses_StationId_Id",
                table: "LogStatuses",
                columns: new[] { "StationId", "Id" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "FileTokens");

            migrationBuilder.DropTable(
                name: "Files");

            migrationBuilder.DropTable(
                name: "Firmware");

            migrationBuilder.DropTable(
                name: "FirmwareCampaigns");

            migrationBuilder.DropTable(
                name: "FirmwareStatuses");

            migrationBuilder.DropTable(
                name: "FirmwareUpdates");

            migrationBuilder.DropTable(
                name: "LogRequests");

            migrationBuilder.DropTable(
                name: "LogStatuses");
        }
    }
}
