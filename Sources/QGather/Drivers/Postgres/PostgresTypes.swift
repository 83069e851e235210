import QGatherCLibPQ

/// Built-in PostgreSQL type OIDs and how their text is decoded into `Value`.
enum PostgresTypes {
    /// Type names of the built-in OIDs a report meets; others show as `oid:N`.
    static let names: [UInt32: String] = [
        16: "bool", 17: "bytea", 18: "char", 19: "name", 20: "int8", 21: "int2", 23: "int4", 25: "text", 26: "oid",
        114: "json", 142: "xml", 650: "cidr", 700: "float4", 701: "float8", 790: "money", 829: "macaddr", 869: "inet",
        1000: "_bool", 1005: "_int2", 1007: "_int4", 1009: "_text", 1016: "_int8", 1021: "_float4", 1022: "_float8",
        1042: "bpchar", 1043: "varchar", 1082: "date", 1083: "time", 1114: "timestamp", 1184: "timestamptz",
        1186: "interval", 1231: "_numeric", 1266: "timetz", 1560: "bit", 1562: "varbit", 1700: "numeric",
        2249: "record", 2278: "void", 2950: "uuid", 3802: "jsonb", 3904: "int4range", 3926: "int8range",
        705: "unknown", 1015: "_varchar", 2951: "_uuid", 3807: "_jsonb", 1182: "_date", 1115: "_timestamp", 1185: "_timestamptz",
    ]

    /// The name of `oid`.
    static func name(_ oid: UInt32) -> String {
        names[oid] ?? "oid:\(oid)"
    }

    /// How the text of a value of type `oid` is kept and decoded.
    static func kind(_ oid: UInt32) -> RowChunk.Kind {
        switch oid {
        case 20, 21, 23, 26: return .integer
        case 700, 701: return .real
        case 1700: return .decimal
        case 16: return .bool
        case 114, 3802: return .json
        case 17: return .byteaHex
        default: return .text
        }
    }

}
