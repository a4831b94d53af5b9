using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Ohm.Csms.Storage.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class SmartCharging : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "ChargingLimits",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    StationId = table.Column<string>(type: "TEXT", maxLength: 48, nullable: false),
                    EvseId = table.Column<int>(type: "INTEGER", nullable: false),
                    Source = table.Column<string>(type: "TEXT", maxLength: 8, nullable: false),
                    IsGridCritical = table.Column<bool>(type: "INTEGER", nullable: true),
                    Limit = table.Column<string>(type: "TEXT", nullable: false),
                    ReceivedAt = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ChargingLimits", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "ChargingProfileReports",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    StationId = table.Column<string>(type: "TEXT", maxLength: 48, nullable: false),
                    RequestId = table.Column<int>(type: "INTEGER", nullable: false),
                    EvseId = table.Column<int>(type: "INTEGER", nullable: true),
                    Criteria = table.Column<string>(type: "TEXT", nullable: true),
                    Status = table.Column<string>(type: "TEXT", maxLength: 16, nullable: true),
                    Complete = table.Column<bool>(type: "INTEGER", nullable: false),
                    RequestedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    CompletedAt = table.Column<long>(type: "INTEGER", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ChargingProfileReports", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "ChargingProfiles",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    StationId = table.Column<string>(type: "TEXT", maxLength: 48, nullable: false),
                    EvseId = table.Column<int>(type: "INTEGER", nullable: false),
                    ProfileId = table.Column<int>(type: "INTEGER", nullable: false),
                    Purpose = table.Column<string>(type: "TEXT", maxLength: 40, nullable: false),
                    StackLevel = table.Column<int>(type: "INTEGER", nullable: false),
                    Kind = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    TransactionId = table.Column<string>(type: "TEXT", maxLength: 36, nullable: true),
                    Profile = table.Column<string>(type: "TEXT", nullable: false),
                    Source = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    LimitSource = table.Column<string>(type: "TEXT", maxLength: 8, nullable: false),
                    UpdatedAt = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ChargingProfiles", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "EvChargingNeeds",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    StationId = table.Column<string>(type: "TEXT", maxLength: 48, nullable: false),
                    EvseId = table.Column<int>(type: "INTEGER", nullable: false),
                    TransactionId = table.Column<string>(type: "TEXT", maxLength: 36, nullable: true),
                    MaxScheduleTuples = table.Column<int>(type: "INTEGER", nullable: true),
                    Needs = table.Column<string>(type: "TEXT", nullable: false),
                    ReceivedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    SentProfile = table.Column<string>(type: "TEXT", nullable: true),
                    SentStatus = table.Column<string>(type: "TEXT", maxLength: 300, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_EvChargingNeeds", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "EvChargingSchedules",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    StationId = table.Column<string>(type: "TEXT", maxLength: 48, nullable: false),
                    EvseId = table.Column<int>(type: "INTEGER", nullable: false),
                    TransactionId = table.Column<string>(type: "TEXT", maxLength: 36, nullable: true),
                    TimeBase = table.Column<long>(type: "INTEGER", nullable: false),
                    Schedule = table.Column<string>(type: "TEXT", nullable: false),
                    ReceivedAt = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_EvChargingSchedules", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "SiteAllocations",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    SiteId = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    StationId = table.Column<string>(type: "TEXT", maxLength: 48, nullable: false),
                    EvseId = table.Column<int>(type: "INTEGER", nullable: false),
                    At = table.Column<long>(type: "INTEGER", nullable: false),
                    Allocated = table.Column<decimal>(type: "TEXT", nullable: false),
                    Measured = table.Column<decimal>(type: "TEXT", nullable: true),
                    Limit = table.Column<decimal>(type: "TEXT", nullable: false),
                    State = table.Column<string>(type: "TEXT", nullable: false),
                    TransactionId = table.Column<string>(type: "TEXT", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_SiteAllocations", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "Sites",
                columns: table => new
                {
                    Id = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    Name = table.Column<string>(type: "TEXT", nullable: false),
                    ParentSiteId = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                    LimitUnit = table.Column<string>(type: "TEXT", maxLength: 4, nullable: false),
                    Limit = table.Column<decimal>(type: "TEXT", nullable: false),
                    TimeZone = table.Column<string>(type: "TEXT", nullable: true),
                    MarginPercent = table.Column<decimal>(type: "TEXT", nullable: false),
                    MarginAbsolute = table.Column<decimal>(type: "TEXT", nullable: false),
                    Voltage = table.Column<decimal>(type: "TEXT", nullable: false),
                    Phases = table.Column<int>(type: "INTEGER", nullable: false),
                    FallbackCurrent = table.Column<decimal>(type: "TEXT", nullable: false),
                    OfflineFallbackSeconds = table.Column<int>(type: "INTEGER", nullable: false),
                    MinCurrent = table.Column<decimal>(type: "TEXT", nullable: false),
                    MaxCurrent = table.Column<decimal>(type: "TEXT", nullable: false),
                    Threshold = table.Column<decimal>(type: "TEXT", nullable: true),
                    CreatedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    UpdatedAt = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Sites", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "ChargingProfileReportParts",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    ReportId = table.Column<long>(type: "INTEGER", nullable: false),
                    EvseId = table.Column<int>(type: "INTEGER", nullable: false),
                    LimitSource = table.Column<string>(type: "TEXT", maxLength: 8, nullable: false),
                    Tbc = table.Column<bool>(type: "INTEGER", nullable: false),
                    Part = table.Column<string>(type: "TEXT", nullable: false),
                    ReceivedAt = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ChargingProfileReportParts", x => x.Id);
                    table.ForeignKey(
                        name: "FK_ChargingProfileReportParts_ChargingProfileReports_ReportId",
                        column: x => x.ReportId,
                        principalTable: "ChargingProfileReports",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "SiteLimitPeriods",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    SiteId = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    StartMinute = table.Column<int>(type: "INTEGER", nullable: false),
                    Limit = table.Column<decimal>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_SiteLimitPeriods", x => x.Id);
                    table.ForeignKey(
                        name: "FK_SiteLimitPeriods_Sites_SiteId",
                        column: x => x.SiteId,
                        principalTable: "Sites",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "SiteMembers",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    SiteId = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    StationId = table.Column<string>(type: "TEXT", maxLength: 48, nullable: false),
                    EvseId = table.Column<int>(type: "INTEGER", nullable: true),
                    MaxCurrent = table.Column<decimal>(type: "TEXT", nullable: true),
                    EvseCount = table.Column<int>(type: "INTEGER", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_SiteMembers", x => x.Id);
                    table.ForeignKey(
                        name: "FK_SiteMembers_Sites_SiteId",
                        column: x => x.SiteId,
                        principalTable: "Sites",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "SitePriorities",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    SiteId = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    GroupIdToken = table.Column<string>(type: "TEXT", nullable: false),
                    Priority = table.Column<int>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_SitePriorities", x => x.Id);
                    table.ForeignKey(
                        name: "FK_SitePriorities_Sites_SiteId",
                        column: x => x.SiteId,
                        principalTable: "Sites",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_ChargingLimits_StationId_EvseId_Source",
                table: "ChargingLimits",
                columns: new[] { "StationId", "EvseId", "Source" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_ChargingProfileReportParts_ReportId_Id",
                table: "ChargingProfileReportParts",
                columns: new[] { "ReportId", "Id" });

            migrationBuilder.CreateIndex(
                name: "IX_ChargingProfileReports_StationId_RequestId",
                table: "ChargingProfileReports",
                columns: new[] { "StationId", "RequestId" });

            migrationBuilder.CreateIndex(
                name: "IX_ChargingProfiles_StationId_EvseId_ProfileId",
                table: "ChargingProfiles",
                columns: new[] { "StationId", "EvseId", "ProfileId" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_ChargingProfiles_StationId_TransactionId",
                table: "ChargingProfiles",
                columns: new[] { "StationId", "TransactionId" });

            migrationBuilder.CreateIndex(
                name: "IX_EvChargingNeeds_StationId_EvseId",
                table: "EvChargingNeeds",
                columns: new[] { "StationId", "EvseId" });

            migrationBuilder.CreateIndex(
                name: "IX_EvChargingNeeds_StationId_TransactionId",
                table: "EvChargingNeeds",
                columns: new[] { "StationId", "TransactionId" });

            migrationBuilder.CreateIndex(
                name: "IX_EvChargingSchedules_StationId_TransactionId",
                table: "EvChargingSchedules",
                columns: new[] { "StationId", "TransactionId" });

            migrationBuilder.CreateIndex(
                name: "IX_SiteAllocations_SiteId_At",
                table: "SiteAllocations",
                columns: new[] { "SiteId", "At" });

            migrationBuilder.CreateIndex(
                name: "IX_SiteAllocations_SiteId_StationId_EvseId_Id",
                table: "SiteAllocations",
                columns: new[] { "SiteId", "StationId", "EvseId", "Id" });

            migrationBuilder.CreateIndex(
                name: "IX_SiteLimitPeriods_SiteId_StartMinute",
                table: "SiteLimitPeriods",
                columns: new[] { "SiteId", "StartMinute" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_SiteMembers_SiteId_StationId_EvseId",
                table: "SiteMembers",
                columns: new[] { "SiteId", "StationId", "EvseId" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_SiteMembers_StationId",
                table: "SiteMembers",
                column: "StationId");

            migrationBuilder.CreateIndex(
                name: "IX_SitePriorities_SiteId_GroupIdToken",
                table: "SitePriorities",
                columns: new[] { "SiteId", "GroupIdToken" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_Sites_ParentSiteId",
                table: "Sites",
                column: "ParentSiteId");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "ChargingLimits");

            migrationBuilder.DropTable(
                name: "ChargingProfileReportParts");

            migrationBuilder.DropTable(
                name: "ChargingProfiles");

            migrationBuilder.DropTable(
                name: "EvChargingNeeds");

            migrationBuilder.DropTable(
                name: "EvChargingSchedules");

            migrationBuilder.DropTable(
                name: "SiteAllocations");

            migrationBuilder.DropTable(
                name: "SiteLimitPeriods");

            migrationBuilder.DropTable(
                name: "SiteMembers");

            migrationBuilder.DropTable(
                name: "SitePriorities");

            migrationBuilder.DropTable(
                name: "ChargingProfileReports");

            migrationBuilder.DropTable(
                name: "Sites");
        }
    }
}
