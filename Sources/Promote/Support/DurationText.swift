import Foundation

/// Parses the durations users type: `90s`, `15m`, `2h`, `1h30m`, `1d`, or plain seconds.
public enum DurationText {
    /// The duration in seconds, or `nil` when `text` is not a duration.
    public static func seconds(_ text: String) -> TimeInterval? {
        let units: [Character: TimeInterval] = ["s": 1, "m": 60, "h": 3600, "d": 86400]
        if let plain = TimeInterval(text), plain >= 0, plain.isFinite { return plain }
        var total: TimeInterval = 0
        var number = ""
        for character in text {
            if character.isASCII && character.isNumber || character == "." {
                number.append(character)
            } else if let unit = units[character], let value = TimeInterval(number) {
                total += value * unit
                number = ""
            } else {
                return nil
            }
        }
        guard number.isEmpty, !text.isEmpty, total.isFinite else { return nil }
        return total
    }
}
