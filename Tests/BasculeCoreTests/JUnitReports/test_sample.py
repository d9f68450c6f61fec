import pytest

def test_invoice_total():
    assert 2 + 2 == 4

def test_vat_rounding():
    assert round(19.999, 2) == 19.99

@pytest.mark.skip(reason="needs the tax service")
def test_tax_service():
    pass

class TestExport:
    def test_csv(self):
        assert "a,b".split(",") == ["a", "b"]
    def test_xml(self):
        raise RuntimeError("exporter crashed")
