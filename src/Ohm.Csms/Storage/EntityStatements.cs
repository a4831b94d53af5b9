using System.Data.Common;
using System.Globalization;
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
/// not tracked, and the key the database generates is returned to the caller. An update writes only the columns that
/// changed, so the database leaves the indexes over the others alone.
/// </summary>
internal sealed class EntityStatements<T> : IDisposable
    where T : class
{
    private readonly DbContext _db;
    private readonly string _table;
    private readonly string _key;
    private readonly Column[] _columns;
    private readonly Column[] _insertColumns;
    private readonly RelationalTypeMapping _keyMapping;
    private readonly Dictionary<ulong, DbCommand> _updates = [];
    private DbCommand? _insert;

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
        _keyMapping = (RelationalTypeMapping)key.GetTypeMapping();
        _columns = entity.GetProperties()
            .Where(p => !p.IsPrimaryKey())
            .Select(p => new Column(p, sql.DelimitIdentifier(p.GetColumnName(table)!), (RelationalTypeMapping)p.GetTypeMapping()))
            .ToArray();

        // A key the database does not generate (a station's id) is written by the INSERT like any other column.
        _insertColumns = key.ValueGenerated == ValueGenerated.Never
            ? [new Column(key, _key, _keyMapping), .. _columns]
            : _columns;
        if (_columns.Length > 64)
        {
            throw new NotSupportedException($"{typeof(T).Name} has more than 64 columns.");
        }
    }

    /// <summary>Inserts one row and returns the key the database gave it (a generated integer key).</summary>
    public async Task<long> InsertAsync(T row, CancellationToken cancellationToken = default) =>
        Convert.ToInt64(await InsertRowAsync(row, cancellationToken).ConfigureAwait(false), CultureInfo.InvariantCulture);

    /// <summary>Inserts one row whose key it carries, or whose key is generated; returns the stored key.</summary>
    public async Task<object?> InsertRowAsync(T row, CancellationToken cancellationToken = default)
    {
        var command = _insert ??= BuildInsert();
        for (var i = 0; i < _insertColumns.Length; i++)
        {
            command.Parameters[i].Value = Value(_insertColumns[i], row);
        }

        return await Prepare(command).ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Writes the columns in which <paramref name="row"/> differs from <paramref name="stored"/> to the row with the given
    /// key, so that indexes over unchanged columns are not touched; nothing when no column differs.
    /// </summary>
    public async Task UpdateAsync(T stored, T row, object key, CancellationToken cancellationToken = default)
    {
        ulong changed = 0;
        for (var i = 0; i < _columns.Length; i++)
        {
            var getter = _columns[i].Property.GetGetter();
            if (!Equals(getter.GetClrValueUsingContainingEntity(stored), getter.GetClrValueUsingContainingEntity(row)))
            {
                changed |= 1UL << i;
            }
        }

        if (changed == 0)
        {
            return;
        }

        if (!_updates.TryGetValue(changed, out var command))
        {
            _updates[changed] = command = BuildUpdate(changed);
        }

        var parameter = 0;
        for (var i = 0; i < _columns.Length; i++)
        {
            if ((changed & (1UL << i)) != 0)
            {
                command.Parameters[parameter++].Value = Value(_columns[i], row);
            }
        }

        command.Parameters[parameter].Value = _keyMapping.Converter?.ConvertToProvider(key) ?? key;
        var updated = await Prepare(command).ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        if (updated != 1)
        {
            throw new DbUpdateConcurrencyException($"{typeof(T).Name} {key} was not found to update.");
        }
    }

    public void Dispose()
    {
        _insert?.Dispose();
        foreach (var command in _updates.Values)
        {
            command.Dispose();
        }
    }

    private static string Parameter(int column) => string.Create(CultureInfo.InvariantCulture, $"@p{column}");

#pragma warning disable CA2100 // The text is made of the model's own table and column names, never of input.
    private DbCommand BuildInsert()
    {
        var command = _db.Database.GetDbConnection().CreateCommand();
        command.CommandText =
            $"INSERT INTO {_table} ({string.Join(", ", _insertColumns.Select(c => c.Name))}) VALUES ({string.Join(", ", _insertColumns.Select((_, i) => Parameter(i)))}) RETURNING {_key}";
        for (var i = 0; i < _insertColumns.Length; i++)
        {
            command.Parameters.Add(_insertColumns[i].Mapping.CreateParameter(command, Parameter(i), null, _insertColumns[i].Property.IsNullable));
        }

        return command;
    }

    private DbCommand BuildUpdate(ulong changed)
    {
        var command = _db.Database.GetDbConnection().CreateCommand();
        var set = new List<string>();
        for (var i = 0; i < _columns.Length; i++)
        {
            if ((changed & (1UL << i)) != 0)
            {
                set.Add($"{_columns[i].Name} = {Parameter(i)}");
                command.Parameters.Add(_columns[i].Mapping.CreateParameter(command, Parameter(i), null, _columns[i].Property.IsNullable));
            }
        }

        command.CommandText = $"UPDATE {_table} SET {string.Join(", ", set)} WHERE {_key} = @key";
        command.Parameters.Add(_keyMapping.CreateParameter(command, "@key", null, nullable: false));
        return command;
    }
#pragma warning restore CA2100

    private static object Value(Column column, T entity)
    {
        var value = column.Property.GetGetter().GetClrValueUsingContainingEntity(entity);
        if (value is not null && column.Mapping.Converter is { } converter)
        {
            value = converter.ConvertToProvider(value);
        }

        return value ?? DBNull.Value;
    }

    private DbCommand Prepare(DbCommand command)
    {
        command.Transaction = _db.Database.CurrentTransaction?.GetDbTransaction();
        return command;
    }

    private sealed record Column(IProperty Property, string Name, RelationalTypeMapping Mapping);
}
