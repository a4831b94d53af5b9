using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace Ohm.Csms.Storage.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class Cust : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "CustomerInformation",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    StationId = table.Column<string>(type: "character varying(48)", maxLength: 48, nullable: false),
                    RequestId = table.Column<int>(type: "integer", nullable: false),
                    Report = table.Column<bool>(type: "boolean", nullable: false),
                    Clear = table.Column<bool>(type: "boolean", nullable: false),
                    IdToken = table.Column<string>(type: "character varying(36)", maxLength: 36, nullable: true),
                    IdTokenType = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: true),
                    CustomerIdentifier = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                    CustomerCertificate = table.Column<string>(type: "character varying(512)", maxLength: 512, nullable: true),
                    Status = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: true),
                    StatusReason = table.Column<string>(type: "character varying(600)", maxLength: 600, nullable: true),
                    ErasedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    ErasedIdTokens = table.Column<int>(type: "integer", nullable: false),
                    ErasedTransactions = table.Column<int>(type: "integer", nullable: false),
                    ErasedTransactionEvents = table.Column<int>(type: "integer", nullable: false),
                    ErasedReservations = table.Column<int>(type: "integer", nullable: false),
                    ErasedLocalListMemberships = table.Column<int>(type: "integer", nullable: false),
                    ErasedSecurityEvents = table.Column<int>(type: "integer", nullable: false),
                    ErasedStationMessages = table.Column<int>(type: "integer", nullable: false),
                    RequestedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    PartsReceived = table.Column<int>(type: "integer", nullable: false),
                    Complete = table.Column<bool>(type: "boolean", nullable: false),
                    CompletedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_CustomerInformation", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "CustomerInformationParts",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    CustomerInformationId = table.Column<long>(type: "bigint", nullable: false),
                    SeqNo = table.Column<int>(type: "integer", nullable: false),
                    Tbc = table.Column<bool>(type: "boolean", nullable: false),
                    Data = table.Column<string>(type: "character varying(512)", maxLength: 512, nullable: false),
                    GeneratedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    ReceivedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_CustomerInformationParts", x => x.Id);
                    table.ForeignKey(
                        name: "FK_CustomerInformationParts_CustomerInformation_CustomerInform~",
                        column: x => x.CustomerInformationId,
                        principalTable: "CustomerInformation",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_CustomerInformation_IdToken",
                table: "CustomerInformation",
                column: "IdToken");

            migrationBuilder.CreateIndex(
                name: "IX_CustomerInformation_StationId_RequestId",
                table: "CustomerInformation",
                columns: new[] { "StationId", "RequestId" });

            migrationBuilder.CreateIndex(
                name: "IX_CustomerInformationParts_CustomerInformationId_SeqNo",
                table: "CustomerInformationParts",
                columns: new[] { "CustomerInformationId", "SeqNo" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "CustomerInformationParts");

            migrationBuilder.DropTable(
                name: "CustomerInformation");
        }
    }
}
