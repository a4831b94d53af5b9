using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace Ohm.Csms.Storage.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class K_balancer : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "SiteAllocations",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    SiteId = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    StationId = table.Column<string>(type: "character varying(48)", maxLength: 48, nullable: false),
                    EvseId = table.Column<int>(type: "integer", nullable: false),
                    At = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    Allocated = table.Column<decimal>(type: "numeric", nullable: false),
                    Measured = table.Column<decimal>(type: "numeric", nullable: true),
                    Limit = table.Column<decimal>(type: "numeric", nullable: false),
                    State = table.Column<string>(type: "text", nullable: false),
                    TransactionId = table.Column<string>(type: "text", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_SiteAllocations", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "Sites",
                columns: table => new
                {
                    Id = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    Name = table.Column<string>(type: "text", nullable: false),
                    ParentSiteId = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                    LimitUnit = table.Column<string>(type: "character varying(4)", maxLength: 4, nullable: false),
                    Limit = table.Column<decimal>(type: "numeric", nullable: false),
                    TimeZone = table.Column<string>(type: "text", nullable: true),
                    MarginPercent = table.Column<decimal>(type: "numeric", nullable: false),
                    MarginAbsolute = table.Column<decimal>(type: "numeric", nullable: false),
                    Voltage = table.Column<decimal>(type: "numeric", nullable: false),
                    Phases = table.Column<int>(type: "integer", nullable: false),
                    FallbackCurrent = table.Column<decimal>(type: "numeric", nullable: false),
                    OfflineFallbackSeconds = table.Column<int>(type: "integer", nullable: false),
                    MinCurrent = table.Column<decimal>(type: "numeric", nullable: false),
                    MaxCurrent = table.Column<decimal>(type: "numeric", nullable: false),
                    Threshold = table.Column<decimal>(type: "numeric", nullable: true),
                    CreatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    UpdatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Sites", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "SiteLimitPeriods",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    SiteId = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    StartMinute = table.Column<int>(type: "integer", nullable: false),
                    Limit = table.Column<decimal>(type: "numeric", nullable: false)
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
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    SiteId = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    StationId = table.Column<string>(type: "character varying(48)", maxLength: 48, nullable: false),
                    EvseId = table.Column<int>(type: "integer", nullable: true),
                    MaxCurrent = table.Column<decimal>(type: "numeric", nullable: true),
                    EvseCount = table.Column<int>(type: "integer", nullable: true)
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
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    SiteId = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    GroupIdToken = table.Column<string>(type: "text", nullable: false),
                    Priority = table.Column<int>(type: "integer", nullable: false)
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
                name: "SiteAllocations");

            migrationBuilder.DropTable(
                name: "SiteLimitPeriods");

            migrationBuilder.DropTable(
                name: "SiteMembers");

            migrationBuilder.DropTable(
                name: "SitePriorities");

            migrationBuilder.DropTable(
                name: "Sites");
        }
    }
}
