import Foundation

/// Ordering by UTF-8 bytes, the one order every list in a report uses (like `git`, unlike Swift's `<`,
/// which compares by Unicode canonical equivalence).
enum ByteOrder {
    /// Whether `lhs` sorts before `rhs` when both are compared as UTF-8 bytes.
    static func precedes(_ lhs: String, _ rhs: String) -> Bool {
        // memcmp over the contiguous bytes: sorting a report's names and paths compares a lot of them.
        var lhs = lhs
        var rhs = rhs
        return lhs.withUTF8 { left in
            rhs.withUTF8 { right in
                let common = min(left.count, right.count)
                if common > 0, let l = left.baseAddress, let r = right.baseAddress {
                    let order = memcmp(l, r, common)
                    if order != 0 { return order < 0 }
                }
                return left.count < right.count
            }
        }
    }

    /// Whether `lhs` sorts before `rhs`, an absent value sorting first.
    static func precedes(_ lhs: String?, _ rhs: String?) -> Bool {
        switch (lhs, rhs) {
        case (nil, nil): return false
        case (nil, _): return true
        case (_, nil): return false
        case let (l?, r?): return precedes(l, r)
        }
    }

    /// Whether the sequence `lhs` sorts before `rhs`, element by element in byte order.
    static func precedes(_ lhs: [String], _ rhs: [String]) -> Bool {
        lhs.lexicographicallyPrecedes(rhs, by: { precedes($0, $1) })
    }

    /// Whether `lhs` and `rhs` have the same bytes (both absent counts as the same).
    static func same(_ lhs: String?, _ rhs: String?) -> Bool {
        switch (lhs, rhs) {
        case (nil, nil): return true
        case let (l?, r?): return l.utf8.elementsEqual(r.utf8)
        default: return false
        }
    }
}
