import ArgumentParser
import Promote

/// Entry point placeholder; replaced by the command layer.
public enum KeosPromote {
    public static func run() async {
        print("keos-promote")
    }
}
