import PromoteCLI

await KeosPromote.run()
