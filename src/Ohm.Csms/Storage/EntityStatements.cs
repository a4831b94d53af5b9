using System.Data.Common;
using System.Globalization;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Storage;

namespace Ohm.Csms.Storage;

/// <summary>
/// INSERT and UPDATE statements of one entity type for the writer's hot paths, where EF Core's change tracking costs
/// more than the write itself. They are built from the EF Core model (table, columns, type mappings and value
/// converters), so they store exactly what SaveChanges would; each command is built once and reused, so SQLite keeps
/// it compiled. They run at once on the context's connection, inside its current transaction; the rows they write are
/// not tracked, and the key the database generates is returned to the caller.
/// </summary>
internal sealed class EntityStatements<T> : IDisposable
    where T : class
{
    /// <summary>Rows per multi-row INSERT; a longer list is written in chunks.</summary>
    private const int MaxRowsPerInsert = 32;

    private readonly DbContext _db;
    private readonly string _table;
    private readonly string _key;
    private readonly Column[] _columns;
    private readonly DbCommand?[] _inserts = new DbCommand?[MaxRowsPerInsert + 1];
    private DbCommand? _insertReturningKey;
    private DbCommand? _update;

    public EntityStatements(DbContext db)
    {
        ArgumentNullException.ThrowIfNull(db);
        _db = db;
        var entity = db.Model.FindEntityType(typeof(T)) ?? throw new InvalidOperationException($"{typeof(T).Name} is not in the model.");
        var sql = db.GetService<ISqlGenerationHelper>();
        var tableName = entity.GetTableName() ?? throw new InvalidOperationException($"{typeof(T).Name} has no table.");
        var table = StoreObjectIdentifier.Table(tableName, entity.GetSchema());
        _table = sql.DelimitIdentifier(tableName, entity.GetSchema());
        var key = entity.FindPrimaryKey()?.Properties is [var single] ? single : throw new InvalidOperationException($"{typeof(T).Name} needs a single-column key.");
        _key = sql.DelimitIdentifier(key.GetColumnName(table)!);
        _columns = entity.GetProperties()
            .Where(p => !p.IsPrimaryKey())
            .Select(p => new Column(p, sql.DelimitIdentifier(p.GetColumnName(table)!), (RelationalTypeMapping)p.GetTypeMapping()))
            .ToArray();
        KeyMapping = (RelationalTypeMapping)key.GetTypeMapping();
    }

    private RelationalTypeMapping KeyMapping { get; }

    /// <summary>Inserts one row and returns the key the database gave it.</summary>
    public async Task<long> InsertAsync(T row, CancellationToken cancellationToken = default)
    {
        var command = _insertReturningKey ??= Build(InsertSql(1) + " RETURNING " + _key, 1, withKey: false);
        Bind(command, 0, row);
        var key = await Prepare(command).ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
        return Convert.ToInt64(key, CultureInfo.InvariantCulture);
    }

    /// <summary>Inserts the rows with as few statements as their count allows.</summary>
    public async Task InsertAsync(IReadOnlyList<T> rows, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(rows);
        for (var start = 0; start < rows.Count; start += MaxRowsPerInsert)
        {
            var count = Math.Min(MaxRowsPerInsert, rows.Count - start);
            var command = _inserts[count] ??= Build(InsertSql(count), count, withKey: false);
            for (var i = 0; i < count; i++)
            {
                Bind(command, i, rows[start + i]);
            }

            await Prepare(command).ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Writes every column of the row with the given key.</summary>
    public async Task UpdateAsync(T row, long key, CancellationToken cancellationToken = default)
    {
        var command = _update ??= Build(
            $"UPDATE {_table} SET {string.Join(", ", _columns.Select((c, i) => $"{c.Name} = {Parameter(i, 0)}"))} WHERE {_key} = @key",
            1,
            withKey: true);
        Bind(command, 0, row);
        command.Parameters[^1].Value = key;
        var updated = await Prepare(command).ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        if (updated != 1)
        {
            throw new DbUpdateConcurrencyException($"{typeof(T).Name} {key} was not found to update.");
        }
    }

    public void Dispose()
    {
        foreach (var command in _inserts.Append(_insertReturningKey).Append(_update))
        {
            command?.Dispose();
        }
    }

    private static string Parameter(int column, int row) => string.Create(CultureInfo.InvariantCulture, $"@p{row}_{column}");

    private string InsertSql(int rows)
    {
        var sql = new StringBuilder($"INSERT INTO {_table} ({string.Join(", ", _columns.Select(c => c.Name))}) VALUES ");
        for (var row = 0; row < rows; row++)
        {
            sql.Append(row == 0 ? "(" : ", (").AppendJoin(", ", _columns.Select((_, i) => Parameter(i, row))).Append(')');
        }

        return sql.ToString();
    }

#pragma warning disable CA2100 // The text is made of the model's own table and column names, never of input.
    private DbCommand Build(string text, int rows, bool withKey)
    {
        var command = _db.Database.GetDbConnection().CreateCommand();
        command.CommandText = text;
        for (var row = 0; row < rows; row++)
        {
            for (var i = 0; i < _columns.Length; i++)
            {
                command.Parameters.Add(_columns[i].Mapping.CreateParameter(command, Parameter(i, row), null, _columns[i].Property.IsNullable));
            }
        }

        if (withKey)
        {
            command.Parameters.Add(KeyMapping.CreateParameter(command, "@key", 0L, nullable: false));
        }

        return command;
    }
#pragma warning restore CA2100

    private void Bind(DbCommand command, int row, T entity)
    {
        var offset = row * _columns.Length;
        for (var i = 0; i < _columns.Length; i++)
        {
            var column = _columns[i];
            var value = column.Property.GetGetter().GetClrValueUsingContainingEntity(entity);
            if (value is not null && column.Mapping.Converter is { } converter)
            {
                value = converter.ConvertToProvider(value);
            }

            command.Parameters[offset + i].Value = value ?? DBNull.Value;
        }
    }

    private DbCommand Prepare(DbCommand command)
    {
        command.Transaction = _db.Database.CurrentTransaction?.GetDbTransaction();
        return command;
    }

    private sealed record Column(IProperty Property, string Name, RelationalTypeMapping Mapping);
}
