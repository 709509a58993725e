// The toil page's chart: hours saved per team per week, drawn with uPlot from the JSON in the element's
// data-chart attribute (no inline script: the console's CSP forbids it). The table next to the chart holds
// the same numbers for anyone who cannot see the chart.
(function () {
    'use strict';

    // Colours far enough apart for the common kinds of colour blindness (Okabe-Ito).
    var PALETTE = ['#0072B2', '#E69F00', '#009E73', '#CC79A7', '#56B4E9', '#D55E00', '#F0E442', '#000000'];
    var HEIGHT = 280;

    function draw(element) {
        var chart = JSON.parse(element.getAttribute('data-chart'));
        if (!chart.series.length || typeof uPlot === 'undefined') {
            return;
        }
        var indexes = chart.weeks.map(function (week, index) { return index; });
        var data = [indexes].concat(chart.series.map(function (series) { return series.hours; }));
        var series = [{ label: 'Week', value: function (plot, index) { return index == null ? '' : chart.weeks[index]; } }]
            .concat(chart.series.map(function (team, index) {
                return {
                    label: team.team,
                    stroke: PALETTE[index % PALETTE.length],
                    width: 2,
                    points: { show: true, size: 6 },
                    value: function (plot, hours) { return hours == null ? '' : hours + ' h'; }
                };
            }));
        var options = {
            width: width(element),
            height: HEIGHT,
            // Room on the right for the last week's label.
            padding: [16, 48, 0, 0],
            legend: { live: false },
            scales: { x: { time: false }, y: { range: function (plot, min, max) { return [0, Math.max(1, max * 1.1)]; } } },
            series: series,
            axes: [
                {
                    splits: function () { return indexes; },
                    values: function (plot, splits) { return splits.map(function (index) { return chart.weeks[index] || ''; }); }
                },
                { label: 'hours saved' }
            ]
        };
        var plot = new uPlot(options, data, element);
        element.setAttribute('data-chart-drawn', 'true');
        window.addEventListener('resize', function () {
            plot.setSize({ width: width(element), height: HEIGHT });
        });
    }

    function width(element) {
        return Math.max(280, element.clientWidth || 600);
    }

    function start() {
        Array.prototype.forEach.call(document.querySelectorAll('[data-chart]'), draw);
    }

    if (document.readyState === 'loading') {
        document.addEventListener('DOMContentLoaded', start);
    } else {
        start();
    }
}());
