using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Ohm.Csms.Storage.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class ClusterNodes : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "NodeName",
                table: "Connections",
                type: "character varying(200)",
                maxLength: 200,
                nullable: true);

            migrationBuilder.CreateIndex(
                name: "IX_Connections_Open",
                table: "Connections",
                column: "NodeName",
                filter: "\"DisconnectedAt\" IS NULL");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_Connections_Open",
                table: "Connections");

            migrationBuilder.DropColumn(
                name: "NodeName",
                table: "Connections");
        }
    }
}
